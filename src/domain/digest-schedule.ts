import { Cron } from 'croner';

/** Windows searched backwards for a digest's slots: a day, a week, a month, a year. */
const WINDOWS_MS = [1, 8, 32, 367].map((days) => days * 24 * 60 * 60 * 1000);

/**
 * The latest scheduled slot at or before `now`, and the one before it (the
 * start of the period the latest slot covers), in the digest's own time zone.
 */
export function lastSlots(schedule: string, timezone: string, now: Date): { latest?: Date; previous?: Date } {
  const cron = new Cron(schedule, { timezone, paused: true });
  for (const window of WINDOWS_MS) {
    const runs: Date[] = [];
    for (let t = cron.nextRun(new Date(now.getTime() - window)); t && t <= now; t = cron.nextRun(t)) {
      runs.push(t);
      if (runs.length > 2) runs.shift();
    }
    if (runs.length === 2) return { previous: runs[0], latest: runs[1] };
    if (runs.length === 1 && window === WINDOWS_MS.at(-1)) return { latest: runs[0] };
  }
  return {};
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
