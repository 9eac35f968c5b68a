import { TZDate } from '@date-fns/tz';
import type { Duration } from './durations.js';

/**
 * A business-hours calendar: when SLA clocks run. Pure: every function takes the
 * instants it works on; nothing reads the clock.
 */
export interface Calendar {
  name: string;
  timezone: string;
  /** Open intervals per weekday (0 = Sunday), as minutes since local midnight. */
  week: Array<Array<[number, number]>>;
  /** Whole local days closed, as `yyyy-mm-dd`. */
  holidays: string[];
  /** The built-in 24x7 calendar: elapsed time is open time. */
  always: boolean;
  /**
   * Whether the calendar names its own time zone. One that does not runs in the
   * matrix's zone for teams, and in each person's own Slack zone as working hours.
   */
  ownTimezone?: boolean;
}

export const ALWAYS: Calendar = {
  name: 'always',
  timezone: 'UTC',
  week: Array.from({ length: 7 }, () => [[0, 24 * 60]]),
  holidays: [],
  always: true,
};

const DAY_MS = 24 * 60 * 60 * 1000;
/** Ten years of closed days in a row means a calendar that never opens. */
const SEARCH_LIMIT_DAYS = 3660;

interface LocalDay {
  year: number;
  month: number; // 0-based
  day: number;
}

/**
 * Time-zone arithmetic (TZDate, Intl underneath) is the costly part of every
 * deadline: a replay of 100,000 issues walks millions of days. The local day of
 * an instant is cached per zone and quarter hour (every zone's offset is a
 * multiple of 15 minutes, so a quarter hour never straddles local midnight), and
 * a calendar's open intervals per local day are cached per calendar. Both caches
 * are bounded; their entries never go stale (a calendar's days do not change).
 */
const CACHE_LIMIT = 50_000;
const QUARTER_HOUR_MS = 15 * 60 * 1000;
const localDays = new Map<string, LocalDay>();

function remember<K, V>(cache: Map<K, V>, key: K, value: V): V {
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(key, value);
  return value;
}

function localDayOf(instant: Date, timezone: string): LocalDay {
  const key = `${timezone}|${Math.floor(instant.getTime() / QUARTER_HOUR_MS)}`;
  const cached = localDays.get(key);
  if (cached) return cached;
  const local = new TZDate(instant.getTime(), timezone);
  return remember(localDays, key, { year: local.getFullYear(), month: local.getMonth(), day: local.getDate() });
}

function shiftDay(d: LocalDay, by: 1 | -1): LocalDay {
  // Date.UTC normalises day overflow; the calendar date is zone-independent.
  const next = new Date(Date.UTC(d.year, d.month, d.day + by));
  return { year: next.getUTCFullYear(), month: next.getUTCMonth(), day: next.getUTCDate() };
}

function isoDay(d: LocalDay): string {
  return `${d.year}-${String(d.month + 1).padStart(2, '0')}-${String(d.day).padStart(2, '0')}`;
}

function instantAt(d: LocalDay, minutes: number, timezone: string): Date {
  return new Date(new TZDate(d.year, d.month, d.day, 0, minutes, timezone).getTime());
}

/** Open intervals per local day, per calendar content: issues' snapshots hold equal calendars as separate objects. */
const dayCaches = new Map<string, Map<string, Array<[Date, Date]>>>();
const cacheOf = new WeakMap<Calendar, Map<string, Array<[Date, Date]>>>();

function dayCache(calendar: Calendar): Map<string, Array<[Date, Date]>> {
  let cache = cacheOf.get(calendar);
  if (cache) return cache;
  const key = JSON.stringify([calendar.timezone, calendar.week, calendar.holidays]);
  cache = dayCaches.get(key) ?? remember(dayCaches, key, new Map());
  cacheOf.set(calendar, cache);
  return cache;
}

/** The open intervals of one local day, as instants (DST-correct: built from local times); open days only. */
function openIntervals(calendar: Calendar, d: LocalDay): Array<[Date, Date]> {
  const iso = isoDay(d);
  const cache = dayCache(calendar);
  const cached = cache.get(iso);
  if (cached) return cached;
  const weekday = new Date(Date.UTC(d.year, d.month, d.day)).getUTCDay();
  const intervals: Array<[Date, Date]> = calendar.holidays.includes(iso) ? [] : (calendar.week[weekday] ?? [])
    .map(([from, to]): [Date, Date] => [instantAt(d, from, calendar.timezone), instantAt(d, to, calendar.timezone)])
    .filter(([from, to]) => to > from);
  return remember(cache, iso, intervals);
}

export function hasOpenHours(calendar: Calendar): boolean {
  return calendar.week.some((intervals) => intervals.some(([from, to]) => to > from));
}

/** Local days from the one containing `start`, forwards or backwards, with their open intervals; closed days skipped. */
function* openDaysFrom(calendar: Calendar, start: Date, direction: 1 | -1 = 1): Generator<Array<[Date, Date]>> {
  let day = localDayOf(start, calendar.timezone);
  for (let i = 0; i < SEARCH_LIMIT_DAYS; i++, day = shiftDay(day, direction)) {
    const intervals = openIntervals(calendar, day);
    if (intervals.length) yield intervals;
  }
  throw new Error(`calendar "${calendar.name}" has no open hours`);
}

/** Walks open time forward from `start` until `ms` of it has elapsed. */
function addOpenMs(calendar: Calendar, start: Date, ms: number): Date {
  let remaining = ms;
  for (const intervals of openDaysFrom(calendar, start)) {
    for (const [from, to] of intervals) {
      if (to <= start) continue;
      const begin = from > start ? from : start;
      const available = to.getTime() - begin.getTime();
      if (remaining <= available) return new Date(begin.getTime() + remaining);
      remaining -= available;
    }
  }
  throw new Error('unreachable');
}

function totalOpen(intervals: Array<[Date, Date]>): number {
  return intervals.reduce((sum, [from, to]) => sum + (to.getTime() - from.getTime()), 0);
}

/** The instant at which `fraction` of a day's open time has passed. */
function atFraction(intervals: Array<[Date, Date]>, fraction: number): Date {
  let remaining = fraction * totalOpen(intervals);
  for (const [from, to] of intervals) {
    const length = to.getTime() - from.getTime();
    if (remaining <= length) return new Date(from.getTime() + remaining);
    remaining -= length;
  }
  return new Date(intervals[intervals.length - 1]![1].getTime());
}

/**
 * Working days: each open day counts as one, and a moment inside a day keeps its
 * share of that day's open time. So 2d from Tuesday 11:00 is Thursday 11:00, and
 * 1d from Monday's opening is Monday's close.
 */
function addWorkingDays(calendar: Calendar, start: Date, days: number): Date {
  const openDays = openDaysFrom(calendar, start);
  let fraction = 0;
  let counted = 0;
  for (const intervals of openDays) {
    const close = intervals[intervals.length - 1]![1];
    if (counted === 0) {
      if (close <= start) continue; // filed after close: the clock starts at the next opening
      const before = intervals.reduce(
        (sum, [from, to]) => sum + Math.max(0, Math.min(to.getTime(), start.getTime()) - from.getTime()),
        0,
      );
      fraction = before / totalOpen(intervals);
      if (fraction === 0 && days === 1) return new Date(close.getTime());
      counted = 1;
      if (fraction === 0) days -= 1; // the first day is consumed whole
      continue;
    }
    counted++;
    // Copies: the day's intervals are cached and shared.
    if (counted > days) return fraction === 0 ? new Date(close.getTime()) : atFraction(intervals, fraction);
  }
  throw new Error('unreachable');
}

/** How much open time lies between two instants (0 when `to` is not after `from`). */
export function openTimeBetween(calendar: Calendar, from: Date, to: Date): number {
  if (to <= from) return 0;
  if (calendar.always) return to.getTime() - from.getTime();
  let total = 0;
  for (const intervals of openDaysFrom(calendar, from)) {
    for (const [open, close] of intervals) {
      if (open >= to) return total;
      const start = Math.max(open.getTime(), from.getTime());
      const end = Math.min(close.getTime(), to.getTime());
      if (end > start) total += end - start;
    }
  }
  return total;
}

/** The instant `ms` of open time before `end`: where a nudge at some share of a target falls. */
export function subtractOpenTime(calendar: Calendar, end: Date, ms: number): Date {
  if (calendar.always) return new Date(end.getTime() - ms);
  let remaining = ms;
  for (const intervals of openDaysFrom(calendar, end, -1)) {
    for (const [open, close] of [...intervals].reverse()) {
      if (open >= end) continue;
      const stop = close < end ? close : end;
      const available = stop.getTime() - open.getTime();
      if (remaining <= available) return new Date(stop.getTime() - remaining);
      remaining -= available;
    }
  }
  throw new Error('unreachable');
}

/** When a target of `duration` open time, started at `start`, falls due. */
export function addOpenTime(calendar: Calendar, start: Date, duration: Duration): Date {
  if (calendar.always) return new Date(start.getTime() + duration.days * DAY_MS + duration.ms);
  const afterDays = duration.days > 0 ? addWorkingDays(calendar, start, duration.days) : start;
  return duration.ms > 0 ? addOpenMs(calendar, afterDays, duration.ms) : afterDays;
}
