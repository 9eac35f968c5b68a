import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { claimIssue } from '../../src/app/claim-issue.js';
import { composeDigest, type ComposedDigest } from '../../src/app/compose-digest.js';
import type { AppContext } from '../../src/app/context.js';
import { fileIssue } from '../../src/app/file-issue.js';
import { fireDueTimers } from '../../src/app/fire-timers.js';
import { resolveIssue } from '../../src/app/resolve-issue.js';
import { resumeIssue, waitOnCustomer } from '../../src/app/wait-on-customer.js';
import { openDatabase, type Database } from '../../src/db/client.js';
import { createLogger } from '../../src/logger.js';
import { digestText } from '../../src/slack/blocks/digest.js';
import { testClock } from '../support/clock.js';
import { freshDatabase } from '../support/database.js';
import { EXAMPLE_ROUTING, matrixFrom } from '../support/harness.js';
import { ownerDirectory } from '../../src/app/owner-directory.js';

const min = 60_000;
const clock = testClock('2026-11-23T09:00:00Z'); // Monday; London is on UTC in November
let database: Database;
let drop: () => Promise<void>;
let ctx: AppContext;
let digest: ComposedDigest;
let n = 0;

async function file(category: string, level: string, origin: string, at: string) {
  clock.set(at);
  return (await fileIssue(ctx, { category, level, origin, summary: `${category} ${level} ${origin}`, agentId: 'U0ALEX', requestKey: `fixture:${n++}` })).issue.id;
}
async function act(at: string, action: () => Promise<{ ok: boolean }>) {
  clock.set(at);
  expect((await action()).ok).toBe(true);
}

/**
 * A week worked out by hand:
 *  ESC-1 billing hard phone    Mon 10:00, claimed 10:10 (ack 10m), resolved 11:00 (60m)
 *  ESC-2 billing hard twitter  Mon 12:00, claimed 12:30 (ack 30m, target 15m missed), waiting 12:40-13:40, resolved 14:00 (60m)
 *  ESC-3 billing easy email    Tue 10:00, claimed 11:00 (ack 60m), resolved 12:00 (120m)
 *  ESC-4 legal (hard) phone    Wed 10:00, never claimed: both targets missed by Monday
 *  ESC-5 praise easy chat      Thu 10:00, claimed 10:05 (5m), resolved 10:30 (30m)
 */
beforeAll(async () => {
  const fresh = await freshDatabase();
  drop = fresh.drop;
  database = await openDatabase({ url: fresh.url });
  const matrix = matrixFrom(EXAMPLE_ROUTING);
  ctx = {
    db: database.db, matrix, now: clock.now, log: createLogger('silent'), kickOutbox: () => {},
    owners: ownerDirectory(async () => [], createLogger('silent')), channelMembers: async () => [],
  };
  const e1 = await file('billing', 'hard', 'phone', '2026-11-23T10:00:00Z');
  await act('2026-11-23T10:10:00Z', () => claimIssue(ctx, e1, 'U0ANNA', 'button'));
  await act('2026-11-23T11:00:00Z', () => resolveIssue(ctx, e1, 'U0ANNA', 'Refunded.'));
  const e2 = await file('billing', 'hard', 'twitter', '2026-11-23T12:00:00Z');
  await act('2026-11-23T12:30:00Z', () => claimIssue(ctx, e2, 'U0BEN', 'reply'));
  await act('2026-11-23T12:40:00Z', () => waitOnCustomer(ctx, e2, 'U0BEN'));
  await act('2026-11-23T13:40:00Z', () => resumeIssue(ctx, e2, 'U0ALEX', 'agent_reply'));
  await act('2026-11-23T14:00:00Z', () => resolveIssue(ctx, e2, 'U0BEN', 'Card reissued.'));
  const e3 = await file('billing', 'easy', 'email', '2026-11-24T10:00:00Z');
  await act('2026-11-24T11:00:00Z', () => claimIssue(ctx, e3, 'U0ANNA', 'reaction'));
  await act('2026-11-24T12:00:00Z', () => resolveIssue(ctx, e3, 'U0ANNA', 'Explained the invoice.'));
  await file('legal', 'easy', 'phone', '2026-11-25T10:00:00Z');
  const e5 = await file('praise', 'easy', 'chat', '2026-11-26T10:00:00Z');
  await act('2026-11-26T10:05:00Z', () => claimIssue(ctx, e5, 'U0CARE', 'button'));
  await act('2026-11-26T10:30:00Z', () => resolveIssue(ctx, e5, 'U0CARE', 'Passed on to the team.'));
  clock.set('2026-11-30T09:00:00Z');
  digest = await composeDigest(ctx, { name: 'weekly', timezone: 'Europe/London' }, { from: new Date('2026-11-23T00:00:00Z'), to: new Date('2026-11-30T00:00:00Z') });
});
afterAll(async () => {
  await database?.close();
  await drop?.();
});

describe('digest figures, on a hand-worked week', () => {
  it('counts the volume, with the change against the week before', () => {
    expect(digest.volume).toEqual({ current: { filed: 5, claimed: 4, resolved: 4, reopened: 0 }, previous: { filed: 0, claimed: 0, resolved: 0, reopened: 0 }, open: 1 });
  });

  it('gives median and 90th percentile business times per team and level, paused time excluded', () => {
    const billing = digest.speeds.byTeam.find((s) => s.key === 'billing')!;
    // acks 10, 30, 60 min: median 30, p90 = 30 + 0.8 x 30 = 54. Resolves 60, 60 (2h less the 1h pause), 120: median 60, p90 108.
    expect(billing).toEqual({ key: 'billing', acks: 3, ackMedian: 30 * min, ackP90: 54 * min, resolves: 3, resolveMedian: 60 * min, resolveP90: 108 * min });
    expect(digest.speeds.byTeam.find((s) => s.key === 'delight')).toMatchObject({ ackMedian: 5 * min, resolveMedian: 30 * min });
    expect(digest.speeds.byLevel.find((s) => s.key === 'easy')).toMatchObject({ acks: 2, ackMedian: 32.5 * min, resolves: 2, resolveMedian: 75 * min });
  });

  it('counts missed targets per team, and lists what is open now', () => {
    expect(digest.missed).toEqual([
      { team: 'billing', filed: 3, ackMissed: 1, resolveMissed: 0 },
      { team: 'delight', filed: 1, ackMissed: 0, resolveMissed: 0 },
      { team: 'legal', filed: 1, ackMissed: 1, resolveMissed: 1 },
    ]);
    expect(digest.urgent.total).toBe(1);
    expect(digest.urgent.lines[0]).toMatchObject({ key: 'ESC-4', team: 'legal', status: 'open' });
  });

  it('ranks the categories, and compares origins with the overall medians', () => {
    expect(digest.categories).toEqual([
      { category: 'billing', count: 3, previous: 0, easiest: 1, clean: 3 },
      { category: 'legal', count: 1, previous: 0, easiest: 0, clean: 0 }, // its route raises it to hard
      { category: 'praise', count: 1, previous: 0, easiest: 1, clean: 1 },
    ]);
    // Overall: acks 5, 10, 30, 60 -> 20 min; resolves 30, 60, 60, 120 -> 60 min.
    expect(digest.overall).toMatchObject({ issues: 5, ackMedian: 20 * min, resolveMedian: 60 * min });
    expect(digest.origins.find((o) => o.origin === 'phone')).toMatchObject({ issues: 2, ackMedian: 10 * min, resolveMedian: 60 * min });
  });

  it('recognises who claimed and resolved most, and the praise passed on', () => {
    expect(digest.people.claimers).toEqual([{ user: 'U0ANNA', count: 2 }, { user: 'U0BEN', count: 1 }, { user: 'U0CARE', count: 1 }]);
    expect(digest.people.resolvers[0]).toEqual({ user: 'U0ANNA', count: 2 });
    expect(digest.people.praise.map((p) => p.key)).toEqual(['ESC-5']);
  });

  it('reads as text for the command line', () => {
    const text = digestText(digest, false);
    expect(text).toContain('Filed 5 (+5) · claimed 4 (+4) · resolved 4 (+4) · reopened 0 (±0) · open now 1');
    expect(text).toContain('billing: acknowledge 30 min (p90 54 min, 3) · resolve 1 h (p90 1 h 48 min, 3)');
    expect(text).toContain('legal: acknowledge 1 of 1 (100%) · resolve 1 of 1 (100%)');
    expect(text).toContain('Most claimed: @U0ANNA (2), @U0BEN (1), @U0CARE (1)');
  });
});

describe('escalations that reached tier 2', () => {
  it('are listed, with their tier, in the digest of the week they were filed', async () => {
    // Billing's acknowledgement chain: tier 1 at the 15-minute target, tier 2 thirty minutes later.
    const id = await file('billing', 'hard', 'phone', '2026-12-01T10:00:00Z');
    clock.set('2026-12-01T11:00:00Z');
    await fireDueTimers(ctx, { leaseMs: 60_000, graceMs: 60_000 });
    const week = await composeDigest(ctx, { name: 'weekly', timezone: 'Europe/London' }, { from: new Date('2026-11-30T00:00:00Z'), to: new Date('2026-12-07T00:00:00Z') });
    expect(week.tiers.total).toBe(1);
    expect(week.tiers.lines[0]).toMatchObject({ key: `ESC-${id}`, team: 'billing', tier: 2 });
    expect(digestText(week, false)).toContain(`! ESC-${id} reached tier 2: billing hard phone`);
    expect(digest.tiers.total).toBe(0); // the first week had none
  });
});
