import { Cron } from 'croner';

/**
 * The latest scheduled slot at or before `now`, and the one before it (the
 * start of the period the latest slot covers), in the digest's own time zone.
 */
export function lastSlots(schedule: string, timezone: string, now: Date): { latest?: Date; previous?: Date } {
  // croner's previousRuns looks strictly before its reference (in whole seconds), most recent first: the
  // reference is the start of the next second, so that a slot at `now` counts and none after it does.
  const nextSecond = new Date(Math.floor(now.getTime() / 1000) * 1000 + 1000);
  const [latest, previous] = new Cron(schedule, { timezone, paused: true }).previousRuns(2, nextSecond);
  return { ...(latest ? { latest } : {}), ...(previous ? { previous } : {}) };
}

export type SlotDecision =
  | { action: 'none' }
  /** First sight of this digest, long after its slot: start the schedule here without sending. */
  | { action: 'baseline'; slot: Date }
  | { action: 'send'; slot: Date; from: Date; late: boolean };

/**
 * What to do about a digest now, given the last slot already handled. After
 * downtime only the latest missed slot is sent, marked late: never a burst.
 */
export function decideSlot(
  slots: { latest?: Date; previous?: Date }, lastHandled: Date | undefined, now: Date, graceMs: number,
): SlotDecision {
  const { latest, previous } = slots;
  if (!latest || (lastHandled && lastHandled >= latest)) return { action: 'none' };
  const onTime = now.getTime() - latest.getTime() <= graceMs;
  if (!lastHandled && !onTime) return { action: 'baseline', slot: latest };
  const skipped = lastHandled !== undefined && previous !== undefined && lastHandled < previous;
  const from = previous ?? new Date(latest.getTime() - 24 * 60 * 60 * 1000);
  return { action: 'send', slot: latest, from, late: !onTime || skipped };
}
