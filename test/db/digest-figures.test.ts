import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { claimIssue } from '../../src/app/claim-issue.js';
import { composeDigest, type ComposedDigest } from '../../src/app/compose-digest.js';
import type { AppContext } from '../../src/app/context.js';
import { fileIssue } from '../../src/app/file-issue.js';
import { fireDueTimers } from '../../src/app/fire-timers.js';
import { resolveIssue } from '../../src/app/resolve-issue.js';
import { resumeIssue, waitOnCustomer } from '../../src/app/wait-on-customer.js';
import { reopenIssue } from '../../src/app/reopen-issue.js';
import { passOnHappyCustomer } from '../../src/app/praise.js';
import { unclaimIssue } from '../../src/app/claim-issue.js';
import { openDatabase, type Database } from '../../src/db/client.js';
import { createLogger } from '../../src/logger.js';
import { digestText } from '../../src/slack/blocks/digest.js';
import { freshDatabase } from '../support/database.js';
import { EXAMPLE_ROUTING, matrixFrom } from '../support/harness.js';
import { ownerDirectory } from '../../src/app/owner-directory.js';
import { eq } from 'drizzle-orm';
import { issues } from '../../src/db/schema.js';

const min = 60_000;
// Each describe works in its own weeks, so the clock may go back between them: nothing here sends messages.
const clock = { at: new Date('2026-11-23T09:00:00Z'), now: () => clock.at, set: (iso: string) => { clock.at = new Date(iso); } };
let database: Database;
let drop: () => Promise<void>;
let ctx: AppContext;
let digest: ComposedDigest;
let n = 0;

async function file(category: string, level: string, origin: string, at: string, details?: string) {
  clock.set(at);
  return (await fileIssue(ctx, { category, level, origin, summary: `${category} ${level} ${origin}`, details, agentId: 'U0ALEX', requestKey: `fixture:${n++}` })).issue.id;
}
const by = (issueId: number, userId: string) => ({ issueId, userId });
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
 *  ESC-5 praise easy chat      Thu 10:00, claimed 10:05 (5m), resolved 10:30 (30m); it thanks Ben.
 *  The customer of ESC-1 was happy with Anna's resolution (Mon 11:30).
 * Praise is not a problem: ESC-5 counts in no figure but its own line.
 */
beforeAll(async () => {
  const fresh = await freshDatabase();
  drop = fresh.drop;
  database = await openDatabase({ url: fresh.url, template: fresh.template });
  const matrix = matrixFrom(EXAMPLE_ROUTING);
  ctx = {
    db: database.db, matrix, now: clock.now, log: createLogger('silent'), kickOutbox: () => {},
    owners: ownerDirectory(async () => [], createLogger('silent')), channelMembers: async () => [],
  };
  const e1 = await file('billing', 'hard', 'phone', '2026-11-23T10:00:00Z');
  await act('2026-11-23T10:10:00Z', () => claimIssue(ctx, by(e1, 'U0ANNA'), 'button'));
  await act('2026-11-23T11:00:00Z', () => resolveIssue(ctx, by(e1, 'U0ANNA'), 'Refunded.'));
  await act('2026-11-23T11:30:00Z', () => passOnHappyCustomer(ctx, by(e1, 'U0ALEX')));
  const e2 = await file('billing', 'hard', 'twitter', '2026-11-23T12:00:00Z');
  await act('2026-11-23T12:30:00Z', () => claimIssue(ctx, by(e2, 'U0BEN'), 'reply'));
  await act('2026-11-23T12:40:00Z', () => waitOnCustomer(ctx, by(e2, 'U0BEN'), null));
  await act('2026-11-23T13:40:00Z', () => resumeIssue(ctx, by(e2, 'U0ALEX'), 'agent_reply'));
  await act('2026-11-23T14:00:00Z', () => resolveIssue(ctx, by(e2, 'U0BEN'), 'Card reissued.'));
  const e3 = await file('billing', 'easy', 'email', '2026-11-24T10:00:00Z');
  await act('2026-11-24T11:00:00Z', () => claimIssue(ctx, by(e3, 'U0ANNA'), 'reaction'));
  await act('2026-11-24T12:00:00Z', () => resolveIssue(ctx, by(e3, 'U0ANNA'), 'Explained the invoice.'));
  await file('legal', 'easy', 'phone', '2026-11-25T10:00:00Z');
  const e5 = await file('praise', 'easy', 'chat', '2026-11-26T10:00:00Z', 'She says <@U0BEN> was patient and clear.');
  await act('2026-11-26T10:05:00Z', () => claimIssue(ctx, by(e5, 'U0CARE'), 'button'));
  await act('2026-11-26T10:30:00Z', () => resolveIssue(ctx, by(e5, 'U0CARE'), 'Passed on to the team.'));
  clock.set('2026-11-30T09:00:00Z');
  digest = await composeDigest(ctx, { name: 'weekly', timezone: 'Europe/London' }, { from: new Date('2026-11-23T00:00:00Z'), to: new Date('2026-11-30T00:00:00Z') });
});
afterAll(async () => {
  await database?.close();
  await drop?.();
});

describe('digest figures, on a hand-worked week', () => {
  it('counts the volume, with the change against the week before', () => {
    expect(digest.volume).toEqual({ current: { filed: 4, claimed: 3, resolved: 3, reopened: 0 }, previous: { filed: 0, claimed: 0, resolved: 0, reopened: 0 }, open: 1 });
  });

  it('gives median and 90th percentile business times per team and level, paused time excluded', () => {
    const billing = digest.speeds.byTeam.find((s) => s.key === 'billing')!;
    // acks 10, 30, 60 min: median 30, p90 = 30 + 0.8 x 30 = 54. Resolves 60, 60 (2h less the 1h pause), 120: median 60, p90 108.
    expect(billing).toEqual({
      key: 'billing',
      acks: { count: 3, late: 1, median: 30 * min, p90: 54 * min },
      resolves: { count: 3, late: 0, median: 60 * min, p90: 108 * min },
    });
    expect(digest.speeds.byTeam.find((s) => s.key === 'delight')).toBeUndefined(); // praise only
    expect(digest.speeds.byLevel.find((s) => s.key === 'easy')).toMatchObject({ acks: { count: 1, median: 60 * min }, resolves: { count: 1, median: 120 * min } });
  });

  it('counts late acknowledgements and resolutions per team, and what is past target now', () => {
    expect(digest.missed.map((m) => [m.team, m.acks.late, m.acks.count, m.resolves.late, m.resolves.count, m.overdueNow])).toEqual([
      ['billing', 1, 3, 0, 3, 0],
      ['legal', 0, 0, 0, 0, 1], // never claimed: past its acknowledgement target now
    ]);
    expect(digest.urgent.total).toBe(1);
    expect(digest.urgent.lines[0]).toMatchObject({ key: 'ESC-4', team: 'legal', status: 'unclaimed' });
  });

  it('ranks the categories, and compares origins with the overall medians', () => {
    expect(digest.categories).toEqual([
      { category: 'billing', count: 3, previous: 0, easiest: 1, firstTime: 3 },
      { category: 'legal', count: 1, previous: 0, easiest: 0, firstTime: 0 }, // its route raises it to hard
    ]);
    // Overall: acks 10, 30, 60 -> 30 min; resolves 60, 60, 120 -> 60 min.
    expect(digest.overall).toMatchObject({ acks: { count: 3, median: 30 * min }, resolves: { count: 3, median: 60 * min } });
    // Two phone escalations, but only ESC-1 was acknowledged and resolved.
    expect(digest.origins.find((o) => o.key === 'phone')).toMatchObject({ acks: { count: 1, median: 10 * min }, resolves: { count: 1, median: 60 * min } });
  });

  it('recognises who claimed and resolved most, and the praise passed on', () => {
    expect(digest.people.claimers).toEqual([{ user: 'U0ANNA', count: 2 }, { user: 'U0BEN', count: 1 }]);
    expect(digest.people.resolvers[0]).toEqual({ user: 'U0ANNA', count: 2 });
    expect(digest.people.praise.escalations.total).toBe(1);
    expect(digest.people.praise.escalations.lines.map((p) => p.key)).toEqual(['ESC-5']);
    expect(digest.people.praise.experts).toEqual([{ user: 'U0ANNA', count: 1 }, { user: 'U0BEN', count: 1 }]);
    expect(digest.people.praise.happyCustomers).toBe(1);
  });

  it('reads as text for the command line', () => {
    const text = digestText(digest, false);
    expect(text).toContain('Filed 4 (+4) · claimed 3 (+3) · resolved 3 (+3) · reopened 0 (±0) · open now 1');
    expect(text).toContain('billing: acknowledge 30 min (p90 54 min, 3) · resolve 1 h (p90 1 h 48 min, 3)');
    expect(text).toContain('billing: acknowledged late 1 of 3 (33%) · resolved late 0 of 3 (0%) · past target now 0');
    expect(text).toContain('legal: acknowledged late 0 of 0 (—) · resolved late 0 of 0 (—) · past target now 1');
    expect(text).toContain('phone: acknowledge 10 min (1) · resolve 1 h (1)');
    expect(text).toContain('Most claimed: @U0ANNA (2), @U0BEN (1)');
    expect(text).toContain('Praised: @U0ANNA (1), @U0BEN (1) · 1 happy customer after a resolution');
    expect(text).toContain('Praise passed on: 1 (not counted as escalations above)');
  });
});

const weekOf = (monday: string) => ({ from: new Date(`${monday}T00:00:00Z`), to: new Date(new Date(`${monday}T00:00:00Z`).getTime() + 7 * 86_400_000) });
const compose = (monday: string) => composeDigest(ctx, { name: 'weekly', timezone: 'Europe/London' }, weekOf(monday));

describe('one resolution, one count, in every section', () => {
  it('counts an issue resolved, reopened and resolved again in one week as two resolutions everywhere', async () => {
    // Billing medium on the office calendar: resolve within 1 working day.
    const id = await file('billing', 'medium', 'email', '2026-12-07T10:00:00Z');
    await act('2026-12-07T10:20:00Z', () => claimIssue(ctx, by(id, 'U0BEN'), 'button'));
    await act('2026-12-07T11:00:00Z', () => resolveIssue(ctx, by(id, 'U0BEN'), 'Refunded.'));
    await act('2026-12-08T09:00:00Z', () => reopenIssue(ctx, by(id, 'U0ALEX'), 'The refund never arrived.'));
    await act('2026-12-08T09:30:00Z', () => resolveIssue(ctx, by(id, 'U0BEN'), 'Refunded again, by cheque.'));
    const week = await compose('2026-12-07');

    expect(week.volume.current).toMatchObject({ filed: 1, claimed: 1, resolved: 2, reopened: 1 });
    const billing = week.speeds.byTeam.find((s) => s.key === 'billing')!;
    // First round: 10:00 to 11:00. Second: from the reopen at 09:00 to 09:30.
    expect(billing.resolves).toEqual({ count: 2, late: 0, median: 45 * min, p90: 57 * min });
    expect(week.speeds.byLevel.find((s) => s.key === 'medium')!.resolves.count).toBe(2);
    expect(week.missed.find((m) => m.team === 'billing')!.resolves.count).toBe(2);
    expect(week.origins.find((o) => o.key === 'email')!.resolves.count).toBe(2);
    expect(week.overall.resolves.count).toBe(2);
    expect(week.people.resolvers).toEqual([{ user: 'U0BEN', count: 2 }]);
  });
});

describe('handing back an issue that waits on the customer', () => {
  it('ends the pause, so the paused time is left out once and only once', async () => {
    const id = await file('billing', 'medium', 'chat', '2026-12-14T10:00:00Z');
    await act('2026-12-14T10:30:00Z', () => claimIssue(ctx, by(id, 'U0ANNA'), 'button'));
    await act('2026-12-14T11:00:00Z', () => waitOnCustomer(ctx, by(id, 'U0ANNA'), 'Which card?'));
    await act('2026-12-14T12:00:00Z', () => unclaimIssue(ctx, by(id, 'U0ANNA')));
    const [row] = await database.db.select().from(issues).where(eq(issues.id, id));
    expect(row).toMatchObject({ status: 'unclaimed', pausedAt: null, resolveRemainingMs: null, pausedOpenMs: 60 * min });
    // One working day from 10:00, moved by the hour spent waiting.
    expect(row!.resolveDueAt.toISOString()).toBe('2026-12-15T11:00:00.000Z');

    await act('2026-12-14T12:10:00Z', () => claimIssue(ctx, by(id, 'U0BEN'), 'button'));
    await act('2026-12-14T13:00:00Z', () => resolveIssue(ctx, by(id, 'U0BEN'), 'Card replaced.'));
    const week = await compose('2026-12-14');
    // 10:00 to 13:00, less the hour spent waiting.
    expect(week.speeds.byTeam.find((s) => s.key === 'billing')!.resolves).toMatchObject({ count: 1, median: 120 * min });
    // Two acknowledgements: 30 minutes from filing, then 10 minutes from the hand-back.
    expect(week.speeds.byTeam.find((s) => s.key === 'billing')!.acks).toMatchObject({ count: 2, median: 20 * min });
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
