import { describe, expect, it } from 'vitest';
import { addOpenTime, ALWAYS } from '../../src/domain/calendar.js';
import { parseDuration } from '../../src/domain/durations.js';
import { matrixFrom } from '../support/harness.js';

const matrix = matrixFrom(`version: 1
calendars:
  office:
    timezone: Europe/London
    hours: { mon-fri: "09:00-17:30" }
    holidays: ["2026-12-25", "2026-12-26"]
  weekend:
    timezone: Europe/London
    hours: { mon-fri: "09:00-17:30", sat: "10:00-14:00" }
  split:
    timezone: America/New_York
    hours: { mon-fri: ["08:00-12:00", "13:00-17:00"] }
levels:
  x: { label: x, ack: 1h, resolve: 1d, calendar: office }
origins: [phone]
categories: { c: { label: c } }
teams: { t: { channel: C0T, owners: [U0A] } }
routes: [{ team: t }]
`);

const due = (calendar: string, start: string, duration: string) =>
  addOpenTime(matrix.calendars[calendar] ?? ALWAYS, new Date(start), parseDuration(duration)!).toISOString();

describe('deadlines on business calendars (expected values worked out by hand)', () => {
  it.each([
    ['office', '2026-11-20T17:00:00Z', '1h', '2026-11-23T09:30:00.000Z', 'Friday 17:00 + 1h is Monday 09:30'],
    ['office', '2026-11-21T12:00:00Z', '1h', '2026-11-23T10:00:00.000Z', 'filed on Saturday: the clock starts Monday 09:00'],
    ['office', '2026-11-23T07:00:00Z', '15m', '2026-11-23T09:15:00.000Z', 'filed before opening'],
    ['office', '2026-11-23T17:20:00Z', '1h30m', '2026-11-24T10:20:00.000Z', 'carries over the night'],
    ['office', '2026-11-24T11:00:00Z', '2d', '2026-11-26T11:00:00.000Z', '2 working days: Tuesday 11:00 to Thursday 11:00'],
    ['office', '2026-11-23T09:00:00Z', '1d', '2026-11-23T17:30:00.000Z', '1 working day from opening is that close'],
    ['office', '2026-11-20T16:00:00Z', '1d', '2026-11-23T16:00:00.000Z', '1 working day from Friday 16:00 is Monday 16:00'],
    ['office', '2026-11-21T20:00:00Z', '1d', '2026-11-23T17:30:00.000Z', 'filed on the weekend: Monday is the first working day'],
    ['office', '2026-11-23T10:00:00Z', '1d2h', '2026-11-24T12:00:00.000Z', 'days, then hours'],
    ['office', '2026-12-24T16:00:00Z', '4h', '2026-12-28T11:30:00.000Z', 'Christmas and Boxing Day are closed'],
    ['office', '2027-03-26T17:00:00Z', '1h', '2027-03-29T08:30:00.000Z', 'clocks go forward on Sunday: Monday 09:30 BST'],
    ['office', '2026-10-23T16:00:00Z', '1h', '2026-10-26T09:30:00.000Z', 'clocks go back on Sunday: Monday 09:30 GMT'],
    ['weekend', '2026-11-20T17:00:00Z', '1h', '2026-11-21T10:30:00.000Z', 'a Saturday opening counts'],
    ['split', '2026-11-23T16:30:00Z', '2h', '2026-11-23T19:30:00.000Z', 'New York lunch is closed: 30 min before it, 1h30 after, so 14:30 EST'],
    ['always', '2026-10-24T12:00:00Z', '1d', '2026-10-25T12:00:00.000Z', 'always: a day is 24 hours, DST or not'],
    ['always', '2026-11-21T23:50:00Z', '15m', '2026-11-22T00:05:00.000Z', 'always: the weekend counts'],
  ])('%s from %s + %s = %s (%s)', (calendar, start, duration, expected) => {
    expect(due(calendar, start, duration)).toBe(expected);
  });
});

describe('durations', () => {
  it.each([
    ['90s', { days: 0, ms: 90_000 }],
    ['1h30m', { days: 0, ms: 5_400_000 }],
    ['2d', { days: 2, ms: 0 }],
    ['1d4h', { days: 1, ms: 14_400_000 }],
  ])('parses %s', (text, expected) => expect(parseDuration(text)).toEqual(expected));

  it.each(['', '0m', '15', '1.5h', 'h', '15 m', '1m1h'])('rejects %j', (text) => expect(parseDuration(text)).toBeUndefined());
});
