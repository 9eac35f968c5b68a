import { describe, expect, it } from 'vitest';
import { ALWAYS } from '../../src/domain/calendar.js';
import { parseDuration } from '../../src/domain/durations.js';
import type { Calendar } from '../../src/domain/calendar.js';
import { decideFiring, planTimers, type DueTimer } from '../../src/domain/escalation-plan.js';
import type { Issue, IssueStatus } from '../../src/domain/issue/issue.js';
import { matrixFrom } from '../support/harness.js';

const office = matrixFrom(`version: 1
calendars: { office: { timezone: Europe/London, hours: { mon-fri: "09:00-17:30" } } }
levels: { x: { label: x, ack: 1h, resolve: 1d, calendar: office } }
origins: [phone]
categories: { c: { label: c } }
teams: { t: { channel: C0T, owners: [U0A] } }
routes: [{ team: t }]
`).calendars.office!;

const min = 60_000;
const tier = (after: string | null, notify: string[]) => ({ after: after ? parseDuration(after)! : null, notify });
/** The clock's view of an issue: its targets, how far their reminders and tiers went, and its snapshot. */
interface Clock {
  status: IssueStatus;
  ackStartedAt: Date;
  ackDueAt: Date;
  resolveDueAt: Date;
  resolveTargetMs: number;
  ackNudgesSent: number;
  resolveNudgesSent: number;
  ackTier: number;
  resolveTier: number;
  calendar: Calendar;
}
const base: Clock = {
  status: 'unclaimed',
  ackStartedAt: new Date('2026-11-23T10:00:00Z'),
  ackDueAt: new Date('2026-11-23T10:10:00Z'),
  resolveDueAt: new Date('2026-11-23T11:00:00Z'),
  resolveTargetMs: 60 * min,
  ackNudgesSent: 0, resolveNudgesSent: 0, ackTier: 0, resolveTier: 0,
  calendar: ALWAYS,
};
const chain = { ack: [tier(null, ['U0LEAD']), tier('30m', ['U0DIR'])], resolve: [tier(null, ['U0LEAD'])] };

/** An issue in `status` with this clock; only what planning reads is filled in. */
function issueWith(c: Clock): Issue {
  const claim = { by: 'U0X', at: c.ackStartedAt };
  const variant = { unclaimed: {}, claimed: { claim }, waiting: { claim, pause: { since: c.ackStartedAt, remainingMs: 0 } }, resolved: { claim, resolution: { by: 'U0X', at: c.ackStartedAt, note: '' } } }[c.status];
  return {
    status: c.status, ...variant, parentId: null,
    ack: { startedAt: c.ackStartedAt, dueAt: c.ackDueAt, nudgesSent: c.ackNudgesSent, tier: c.ackTier },
    resolve: { startedAt: c.ackStartedAt, dueAt: c.resolveDueAt, targetMs: c.resolveTargetMs, pausedOpenMs: 0, nudgesSent: c.resolveNudgesSent, tier: c.resolveTier },
    snapshot: { calendar: c.calendar, nudges: [0.5, 0.9], team: { escalation: chain } },
  } as unknown as Issue;
}

const plan = (over: Partial<Clock>, now = base.ackStartedAt) =>
  planTimers(issueWith({ ...base, ...over }), now).map((t) => `${t.kind}:${t.target}:${t.step}@${t.dueAt.toISOString().slice(11, 16)}`);

describe('planning reminders and escalations', () => {
  it.each([
    ['unclaimed: ack nudges then the ack chain', {}, undefined, ['nudge:ack:0@10:05', 'nudge:ack:1@10:09', 'tier:ack:0@10:10', 'tier:ack:1@10:40']],
    ['claimed: the resolution chain, nudges in share of the whole target', { status: 'claimed' as const }, undefined, ['nudge:resolve:0@10:30', 'nudge:resolve:1@10:54', 'tier:resolve:0@11:00']],
    ['claimed late: past nudges are dropped, tiers kept', { status: 'claimed' as const }, new Date('2026-11-23T10:40:00Z'), ['nudge:resolve:1@10:54', 'tier:resolve:0@11:00']],
    ['nudges already sent are not planned again', { ackNudgesSent: 1 }, undefined, ['nudge:ack:1@10:09', 'tier:ack:0@10:10', 'tier:ack:1@10:40']],
    ['tiers already notified are not planned again', { ackNudgesSent: 2, ackTier: 1 }, undefined, ['tier:ack:1@10:40']],
    ['a missed tier is kept even when overdue', { ackNudgesSent: 2 }, new Date('2026-11-23T12:00:00Z'), ['tier:ack:0@10:10', 'tier:ack:1@10:40']],
    ['waiting on the customer: nothing runs', { status: 'waiting' as const }, undefined, []],
    ['resolved: nothing runs', { status: 'resolved' as const }, undefined, []],
  ])('%s', (_name, over, now, expected) => {
    expect(plan(over, now)).toEqual(expected);
  });

  it("plans nothing for a report of a swarm: its parent's clocks cover it", () => {
    expect(planTimers({ ...issueWith(base), parentId: 12 } as Issue, base.ackStartedAt)).toEqual([]);
  });

  it('counts open time only, on a business calendar', () => {
    // Ack 1h from Friday 17:00 is due Monday 09:30. Half of it is left at Friday's close and again at Monday's
    // opening (no open time between): the reminder goes out when people are back. 90% at 09:24; tier 2 at 10:00.
    const timers = planTimers(issueWith({
      ...base, calendar: office,
      ackStartedAt: new Date('2026-11-20T17:00:00Z'), ackDueAt: new Date('2026-11-23T09:30:00Z'),
    }), new Date('2026-11-20T17:00:00Z'));
    expect(timers.map((t) => t.dueAt.toISOString())).toEqual([
      '2026-11-23T09:00:00.000Z', '2026-11-23T09:24:00.000Z', '2026-11-23T09:30:00.000Z', '2026-11-23T10:00:00.000Z',
    ]);
  });
});

describe('deciding what to send for due timers', () => {
  const due = (id: number, kind: 'nudge' | 'tier', step: number, at: string): DueTimer => ({ id, kind, target: 'ack', step, dueAt: new Date(at) });
  const now = new Date('2026-11-23T12:00:00Z');

  it('sends a single due nudge, on time', () => {
    expect(decideFiring([due(1, 'nudge', 0, '2026-11-23T11:59:30Z')], now, 60_000)).toEqual({ skip: [], nudge: expect.objectContaining({ id: 1 }), tier: undefined, late: false });
  });

  it('lets the highest due tier replace everything before it, marked late', () => {
    const decision = decideFiring([due(1, 'nudge', 0, '2026-11-23T10:05:00Z'), due(2, 'tier', 0, '2026-11-23T10:10:00Z'), due(3, 'tier', 1, '2026-11-23T10:40:00Z')], now, 60_000);
    expect(decision).toMatchObject({ skip: [1, 2], tier: { id: 3 }, nudge: undefined, late: true });
  });

  it('marks a single timer found long after its time as late', () => {
    expect(decideFiring([due(4, 'tier', 0, '2026-11-23T10:00:00Z')], now, 60_000).late).toBe(true);
  });
});
