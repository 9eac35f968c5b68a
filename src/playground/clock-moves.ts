import { nextDueTimer } from '../db/timer-store.js';
import { nextBusinessMorning, nextDigestSlot } from './clock.js';
import type { PlaygroundParts } from './playground.js';

const MINUTE = 60_000;

/** The clock control's buttons. */
export const CLOCK_MOVES = {
  '15m': '+15 min',
  '1h': '+1 h',
  morning: 'Next business morning',
  timer: 'Next due timer',
  digest: 'Next digest',
} as const;
export type ClockMove = keyof typeof CLOCK_MOVES;

export const isClockMove = (move: string): move is ClockMove => Object.hasOwn(CLOCK_MOVES, move);

/**
 * Moves the app's clock forward, then sweeps as the app's own interval would a
 * moment later: nudges, missed targets, tier DMs and digests due by then go out.
 * Returns what happened, for the page, or why the clock stayed.
 */
export async function moveClock(pg: PlaygroundParts, move: ClockMove): Promise<string> {
  const now = pg.clock.now();
  const target = await targetOf(pg, move, now);
  if (typeof target === 'string') return target;
  pg.clock.moveTo(target);
  await pg.app.sweep();
  pg.changes++;
  return '';
}

async function targetOf(pg: PlaygroundParts, move: ClockMove, now: Date): Promise<Date | string> {
  switch (move) {
    case '15m':
      return new Date(now.getTime() + 15 * MINUTE);
    case '1h':
      return new Date(now.getTime() + 60 * MINUTE);
    case 'morning':
      return nextBusinessMorning(pg.app.ctx.matrix, now);
    case 'timer': {
      const due = await nextDueTimer(pg.app.ctx.db, now);
      // A second past it: the sweep fires what is due at or before now.
      return due ? new Date(due.getTime() + 1000) : 'No timer is waiting: nothing is due to nudge or escalate.';
    }
    case 'digest': {
      const slot = nextDigestSlot(pg.app.ctx.matrix, now);
      return slot ? new Date(slot.at.getTime() + 1000) : 'The matrix has no digests.';
    }
  }
}
