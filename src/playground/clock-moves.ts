import { nextDueTimer } from '../db/timer-store.js';
import type { Frontline } from '../main.js';
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
  await passTimeUntil(pg.app, pg.clock, target);
  pg.changes++;
  return '';
}

/** Timers met on the way, at most: an hour jump over a busy afternoon stays a few hundred sweeps. */
const MAX_STOPS = 500;

/**
 * Lets time pass until `target` as it would with the app running: the clock
 * stops at each timer due on the way and the app sweeps there, so that two
 * nudges and a missed target an hour apart go out one by one, not as one late
 * burst (which the app reports as "while Frontline was down").
 */
export async function passTimeUntil(app: Frontline, clock: { now(): Date; moveTo(at: Date): Date }, target: Date): Promise<void> {
  for (let stops = 0; stops < MAX_STOPS; stops++) {
    const due = await nextDueTimer(app.ctx.db, clock.now());
    if (!due || due >= target) break;
    clock.moveTo(new Date(due.getTime() + 1000));
    await app.sweep();
  }
  clock.moveTo(target);
  await app.sweep();
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
