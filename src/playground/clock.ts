import { TZDate } from '@date-fns/tz';
import { Cron } from 'croner';
import { addOpenTime } from '../domain/calendar.js';
import type { Matrix } from '../domain/routing/matrix.js';

/**
 * The playground's clock, which the app reads as `now`. It runs with real time
 * (a Home tab refresh due in two seconds does come) and jumps forward on demand.
 * It never goes back: queued work would stay "not yet due" and stall a channel's
 * ordered outbox lane, as in the tests' clock (test/support/clock.ts).
 */
export class PlaygroundClock {
  private offsetMs: number;

  constructor(start: Date = new Date(), private readonly realNow: () => number = Date.now) {
    this.offsetMs = start.getTime() - realNow();
  }

  readonly now = (): Date => new Date(this.realNow() + this.offsetMs);

  advance(ms: number): Date {
    if (ms < 0) throw new Error('the playground clock only moves forward');
    this.offsetMs += ms;
    return this.now();
  }

  /** Moves to `at`; a time already past leaves the clock where it is. */
  moveTo(at: Date): Date {
    return this.advance(Math.max(0, at.getTime() - this.now().getTime()));
  }
}

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * When the matrix's first business calendar next opens on a later day than
 * `now`: "tomorrow morning", skipping weekends and holidays. A matrix with only
 * the 24x7 calendar has no mornings: 09:00 tomorrow in its time zone.
 */
export function nextBusinessMorning(matrix: Matrix, now: Date): Date {
  const calendar = Object.values(matrix.calendars).find((c) => !c.always);
  const zone = calendar?.timezone ?? matrix.timezone;
  const today = new TZDate(now.getTime(), zone);
  const midnight = new TZDate(today.getFullYear(), today.getMonth(), today.getDate() + 1, 0, 0, zone);
  if (!calendar) return new Date(midnight.getTime() + 9 * 60 * 60 * 1000);
  // One minute of open time after midnight ends one minute after opening.
  return new Date(addOpenTime(calendar, new Date(midnight.getTime()), { days: 0, ms: 60_000 }).getTime() - 60_000);
}

/** The next slot of any digest in the matrix after `now`, with its name. */
export function nextDigestSlot(matrix: Matrix, now: Date): { name: string; at: Date } | undefined {
  const slots = matrix.digests.flatMap((d) => {
    const at = new Cron(d.schedule, { timezone: d.timezone ?? matrix.timezone, paused: true }).nextRun(now);
    return at && at.getTime() - now.getTime() < 366 * DAY_MS ? [{ name: d.name, at }] : [];
  });
  return slots.sort((a, b) => a.at.getTime() - b.at.getTime())[0];
}
