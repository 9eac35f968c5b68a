import { describe, expect, it } from 'vitest';
import { couldBeSelfServed, trend, unfairOrigins } from '../../src/domain/digest-flags.js';
import { decideSlot, lastSlots } from '../../src/domain/digest-schedule.js';

const d = (iso: string) => new Date(iso);
const minute = 60_000;

describe('digest slots', () => {
  it('finds the latest slot and the one before it, in the digest\'s time zone', () => {
    // 09:00 in New York on weekdays is 14:00 UTC in November.
    expect(lastSlots('0 9 * * 1-5', 'America/New_York', d('2026-11-23T15:00:00Z'))).toEqual({ previous: d('2026-11-20T14:00:00Z'), latest: d('2026-11-23T14:00:00Z') });
    expect(lastSlots('0 9 * * 1', 'Europe/London', d('2026-11-30T09:00:00Z'))).toEqual({ previous: d('2026-11-23T09:00:00Z'), latest: d('2026-11-30T09:00:00Z') });
  });

  it.each([
    ['on time: send the period since the previous slot', d('2026-11-23T09:00:00Z'), d('2026-11-30T09:00:30Z'), { action: 'send', slot: d('2026-11-30T09:00:00Z'), from: d('2026-11-23T09:00:00Z'), late: false }],
    ['already handled: nothing', d('2026-11-30T09:00:00Z'), d('2026-11-30T09:05:00Z'), { action: 'none' }],
    ['first sight, long after the slot: start the schedule without sending', undefined, d('2026-12-02T12:00:00Z'), { action: 'baseline', slot: d('2026-11-30T09:00:00Z') }],
    ['first sight, at the slot: send it', undefined, d('2026-11-30T09:00:10Z'), { action: 'send', slot: d('2026-11-30T09:00:00Z'), from: d('2026-11-23T09:00:00Z'), late: false }],
    ['after downtime: only the latest missed slot, marked late', d('2026-11-16T09:00:00Z'), d('2026-12-01T10:00:00Z'), { action: 'send', slot: d('2026-11-30T09:00:00Z'), from: d('2026-11-23T09:00:00Z'), late: true }],
  ])('%s', (_name, lastHandled, now, expected) => {
    expect(decideSlot(lastSlots('0 9 * * 1', 'Europe/London', now), lastHandled, now, minute)).toEqual(expected);
  });
});

describe('digest judgements', () => {
  it('flags an origin served under half or over twice the overall median, over at least 5 of that measure', () => {
    const medians = (key: string, acks: number, ackMedian: number, resolves: number, resolveMedian: number) =>
      ({ key, acks: { count: acks, median: ackMedian * minute }, resolves: { count: resolves, median: resolveMedian * minute } });
    expect(unfairOrigins([
      medians('twitter', 6, 20, 6, 100),
      medians('phone', 9, 70, 9, 300),
      medians('facebook', 4, 1, 4, 1),
      medians('email', 5, 30, 4, 240), // only four resolutions: too few to judge
    ], medians('overall', 24, 60, 23, 120))).toEqual([
      { origin: 'twitter', measure: 'acknowledge', ratio: 1 / 3 },
      { origin: 'phone', measure: 'resolve', ratio: 2.5 },
    ]);
  });

  it.each([
    [{ count: 4, easiest: 3, firstTime: 3 }, true],
    [{ count: 4, easiest: 2, firstTime: 4 }, false],
    [{ count: 4, easiest: 4, firstTime: 2 }, false],
    [{ count: 2, easiest: 2, firstTime: 2 }, false],
  ])('suggests a guide for %j: %s', (category, expected) => expect(couldBeSelfServed(category)).toBe(expected));

  it('writes trends with a sign', () => {
    expect([trend(5, 2), trend(2, 5), trend(3, 3)]).toEqual(['+3', '−3', '±0']);
  });
});
