import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inArray, sql } from 'drizzle-orm';
import { claimIssue } from '../../src/app/claim-issue.js';
import type { AppContext } from '../../src/app/context.js';
import { fileIssue } from '../../src/app/file-issue.js';
import { openDatabase, rowsOf, type Database } from '../../src/db/client.js';
import { eventsOf, findIssue } from '../../src/db/issue-store.js';
import { forgetOldRequests, rememberRequest } from '../../src/db/request-store.js';
import { claimLanes, enqueue, extendLease, handBack, headOf, markSent, releaseIdle, releaseLane, retryLater, takeNext, type ClaimedLane } from '../../src/db/outbox-store.js';
import type { OutboxMessage } from '../../src/domain/outbox-message.js';
import { idempotencyKeys, outbox } from '../../src/db/schema.js';
import { createLogger } from '../../src/logger.js';
import { freshDatabase, onPostgres, SEVERAL_CONNECTIONS_URL } from '../support/database.js';
import { EXAMPLE_ROUTING, matrixFrom } from '../support/harness.js';
import { ownerDirectory } from '../../src/app/owner-directory.js';

/** The same suite on PGlite and, with TEST_DATABASE_URL, on real Postgres. */
let database: Database;
let drop: () => Promise<void>;
let ctx: AppContext;
let clock = new Date('2026-11-23T10:00:00Z');

beforeAll(async () => {
  const fresh = await freshDatabase();
  drop = fresh.drop;
  database = await openDatabase({ url: fresh.url, template: fresh.template });
  ctx = {
    db: database.db,
    matrix: matrixFrom(EXAMPLE_ROUTING),
    now: () => clock,
    owners: ownerDirectory(async () => [], createLogger('silent')),
    channelMembers: async () => [],
    log: createLogger('silent'),
    kickOutbox: () => {},
  };
});
afterAll(async () => {
  await database?.close();
  await drop?.();
});

const filing = (requestKey: string, summary = 'Charged twice') => ({
  category: 'billing', level: 'medium', origin: 'phone', summary, agentId: 'U0ALEX', requestKey,
});

describe(`stores on ${onPostgres ? 'Postgres' : 'PGlite'}`, () => {
  it('numbers issues ESC-1, ESC-2... and stores the routing snapshot', async () => {
    const a = await fileIssue(ctx, filing('command:a'));
    const b = await fileIssue(ctx, filing('command:b'));
    expect(b.issue.id).toBe(a.issue.id + 1);
    expect([a.issue.key, b.issue.key]).toEqual([`ESC-${a.issue.id}`, `ESC-${b.issue.id}`]);
    const stored = await findIssue(database.db, a.issue.id);
    expect(stored!.snapshot.team.owners).toEqual(['U0ANNA', 'U0BEN']);
    expect(stored!.snapshot.level.ack).toEqual({ days: 0, ms: 3_600_000 });
    expect(stored!.filedAt.toISOString()).toBe('2026-11-23T10:00:00.000Z');
  });

  it('files once per Slack request, however often it arrives', async () => {
    const results = await Promise.all([1, 2, 3].map(() => fileIssue(ctx, filing('view:V1', 'Retry me'))));
    expect(new Set(results.map((r) => r.issue.id)).size).toBe(1);
    expect(results.filter((r) => !r.duplicate)).toHaveLength(1);
  });

  it('keeps an append-only log of what happened', async () => {
    const { issue } = await fileIssue(ctx, filing('command:c'));
    clock = new Date('2026-11-23T10:05:00Z');
    await claimIssue(ctx, { issueId: issue.id, userId: 'U0ANNA' }, 'button');
    const events = await eventsOf(database.db, issue.id);
    expect(events.map((e) => [e.type, e.actor, e.team])).toEqual([['filed', 'U0ALEX', 'billing'], ['routed', null, 'billing'], ['claimed', 'U0ANNA', 'billing']]);
    expect(events[2]!.details).toEqual({ via: 'button', ackMs: 300_000, late: false });
    expect(events[1]!.details).toMatchObject({ team: 'billing', reasons: ['category billing is in [billing]'] });
  });

  it('lets exactly one of several concurrent claimers win', async () => {
    const { issue } = await fileIssue(ctx, filing('command:race'));
    const outcomes = await Promise.all(['U0ANNA', 'U0BEN', 'U0ANNA', 'U0BEN'].map((userId) => claimIssue(ctx, { issueId: issue.id, userId }, 'button')));
    const winners = outcomes.filter((o) => o.ok && o.changed);
    expect(winners).toHaveLength(1);
    const claimer = (await findIssue(database.db, issue.id))!.claim?.by;
    expect(outcomes.filter((o) => !o.ok).every((o) => !o.ok && o.message.includes(`claimed by <@${claimer}>`))).toBe(true);
    expect((await eventsOf(database.db, issue.id)).filter((e) => e.type === 'claimed')).toHaveLength(1);
  });
});

describe('request keys', () => {
  it('forgets event ids after a day, and keeps the keys that filed issues', async () => {
    await fileIssue(ctx, filing('command:kept'));
    const old = new Date('2026-11-20T10:00:00Z');
    await database.db.transaction((tx) => rememberRequest(tx, 'event:Ev0OLD', old));
    await database.db.transaction((tx) => rememberRequest(tx, 'event:Ev0NEW', new Date('2026-11-23T09:00:00Z')));
    expect(await forgetOldRequests(database.db, new Date('2026-11-22T10:00:00Z'))).toBe(1);
    const keys = (await database.db.select().from(idempotencyKeys)).map((k) => k.key);
    expect(keys).toContain('event:Ev0NEW');
    expect(keys).not.toContain('event:Ev0OLD');
    expect(keys).toContain('command:kept'); // it filed an issue: kept as the record of that
  });
});

/** A message to a channel lane, told apart by its channel's name: only the lane matters to these tests. */
const note = (lane: string, late = false): OutboxMessage => ({ kind: 'digest', name: lane, to: lane, from: '2026-11-23T00:00:00.000Z', until: '2026-11-23T00:00:00.000Z', late });

/** Lanes of their own per test (prefixed), so that the tests leave each other's lanes alone. */
const lanesOf = (claimed: ClaimedLane[], prefix: string) => claimed.map((c) => c.lane).filter((lane) => lane.startsWith(prefix)).sort();

describe('the outbox', () => {
  it('hands out each lane with work once, and its messages oldest first', async () => {
    const now = new Date('2026-11-23T11:00:00Z');
    await enqueue(database.db, now, note('C0ORDA'), note('C0ORDA', true), note('C0ORDB'));
    const first = await claimLanes(database.db, now, 100, 60_000);
    expect(lanesOf(first, 'C0ORD')).toEqual(['C0ORDA', 'C0ORDB']);
    expect(lanesOf(await claimLanes(database.db, now, 100, 60_000), 'C0ORD')).toEqual([]); // leased
    const head = await headOf(database.db, 'C0ORDA', 10);
    expect(head.map((r) => r.payload.late)).toEqual([false, true]);
  });

  it('lets a lane go idle when its sender found it empty, unless something was queued meanwhile', async () => {
    const now = new Date('2026-11-23T11:30:00Z');
    await enqueue(database.db, now, note('C0IDLEA'), note('C0IDLEB'));
    const claimed = (await claimLanes(database.db, now, 100, 60_000)).filter((c) => c.lane.startsWith('C0IDLE'));
    for (const row of [...(await headOf(database.db, 'C0IDLEA', 10)), ...(await headOf(database.db, 'C0IDLEB', 10))]) await markSent(database.db, row.id, now);
    await enqueue(database.db, now, note('C0IDLEB')); // arrives while B's sender thinks B is empty
    for (const lane of claimed) await releaseIdle(database.db, lane);
    expect(lanesOf(await claimLanes(database.db, now, 100, 60_000), 'C0IDLE')).toEqual(['C0IDLEB']);
  });

  it("gives a crashed sender's lane to another once the lease expires", async () => {
    const now = new Date('2026-11-23T12:00:00Z');
    await enqueue(database.db, now, note('C0LEASE'));
    expect(lanesOf(await claimLanes(database.db, now, 100, 60_000), 'C0LEASE')).toEqual(['C0LEASE']);
    expect(lanesOf(await claimLanes(database.db, new Date(now.getTime() + 59_000), 100, 60_000), 'C0LEASE')).toEqual([]);
    expect(lanesOf(await claimLanes(database.db, new Date(now.getTime() + 61_000), 100, 60_000), 'C0LEASE')).toEqual(['C0LEASE']);
    expect((await headOf(database.db, 'C0LEASE', 10))).toHaveLength(1);
  });

  it('keeps a lane waiting until its head may go, and counts rate limits apart from failures', async () => {
    const now = new Date('2026-11-23T12:30:00Z');
    await enqueue(database.db, now, note('C0WAIT'));
    const [lane] = (await claimLanes(database.db, now, 100, 60_000)).filter((c) => c.lane === 'C0WAIT');
    const [row] = await headOf(database.db, 'C0WAIT', 1);
    const later = new Date(now.getTime() + 30_000);
    await retryLater(database.db, row!.id, later, 'ratelimited', null);
    await releaseLane(database.db, lane!, later);
    expect(lanesOf(await claimLanes(database.db, new Date(now.getTime() + 29_000), 100, 60_000), 'C0WAIT')).toEqual([]);
    const again = (await claimLanes(database.db, later, 100, 60_000)).filter((c) => c.lane === 'C0WAIT');
    expect(again).toHaveLength(1);
    await retryLater(database.db, row!.id, later, 'http_500', { now: later });
    const [failedOnce] = await headOf(database.db, 'C0WAIT', 1);
    expect(failedOnce).toMatchObject({ failures: 1, firstFailedAt: later, lastError: 'http_500' });
  });

  it('is not locked again by a lease renewal that lands after its release', async () => {
    const now = new Date('2026-11-23T13:30:00Z');
    await enqueue(database.db, now, note('C0RENEW'));
    const [lane] = (await claimLanes(database.db, now, 100, 60_000)).filter((c) => c.lane === 'C0RENEW');
    await extendLease(database.db, 'C0RENEW', new Date(now.getTime() + 60_000));
    expect(lanesOf(await claimLanes(database.db, now, 100, 60_000), 'C0RENEW')).toEqual([]); // still this sender's
    expect(await releaseIdle(database.db, lane!)).toEqual(now); // its message is still there
    await extendLease(database.db, 'C0RENEW', new Date(now.getTime() + 60_000)); // the sender's last heartbeat, late
    expect(lanesOf(await claimLanes(database.db, now, 100, 60_000), 'C0RENEW')).toEqual(['C0RENEW']);
  });

  it('hands back a lane found with nothing ready due when its head may go, and says when', async () => {
    const now = new Date('2026-11-23T13:00:00Z');
    await enqueue(database.db, now, note('C0HEAD'), note('C0HEAD'));
    const [lane] = (await claimLanes(database.db, now, 100, 60_000)).filter((c) => c.lane === 'C0HEAD');
    const [first, second] = await headOf(database.db, 'C0HEAD', 2);
    await markSent(database.db, first!.id, now);
    const later = new Date(now.getTime() + 45_000);
    await retryLater(database.db, second!.id, later, 'http_500', { now });
    expect(await releaseIdle(database.db, lane!)).toEqual(later);
    expect(lanesOf(await claimLanes(database.db, new Date(later.getTime() - 1), 100, 60_000), 'C0HEAD')).toEqual([]);
    const [again] = (await claimLanes(database.db, later, 100, 60_000)).filter((c) => c.lane === 'C0HEAD');
    expect(again).toBeDefined();
    await markSent(database.db, second!.id, later);
    expect(await releaseIdle(database.db, again!)).toBeNull();
    expect(lanesOf(await claimLanes(database.db, new Date(later.getTime() + 3_600_000), 100, 60_000), 'C0HEAD')).toEqual([]);
  });
});

describe("a lane's next messages", () => {
  const lateOf = (rows: { payload: Record<string, unknown> }[]) => rows.map((r) => r.payload.late);

  it('are taken oldest first, up to the limit, stopping at the first that must wait, with their attempts counted', async () => {
    const now = new Date('2026-11-23T14:00:00Z');
    await enqueue(database.db, now, note('C0TAKE'), note('C0TAKE', true), note('C0TAKE'), note('C0TAKE', true));
    const [, , third] = await headOf(database.db, 'C0TAKE', 10);
    await retryLater(database.db, third!.id, new Date(now.getTime() + 60_000), 'http_500', { now });

    const taken = await takeNext(database.db, 'C0TAKE', [], now, 10);
    expect(lateOf(taken)).toEqual([false, true]); // not the fourth, though it may go: the third goes first
    expect(taken.map((r) => r.attempts)).toEqual([1, 1]);
    expect(lateOf(await takeNext(database.db, 'C0TAKE', [], now, 1))).toEqual([false]);
  });

  it('skip those being recorded, and are handed back with their attempts undone', async () => {
    const now = new Date('2026-11-23T14:30:00Z');
    await enqueue(database.db, now, note('C0BACK'), note('C0BACK', true), note('C0BACK'));
    const [first] = await takeNext(database.db, 'C0BACK', [], now, 1);
    const rest = await takeNext(database.db, 'C0BACK', [first!.id], now, 10);
    expect(lateOf(rest)).toEqual([true, false]);

    await handBack(database.db, rest.map((r) => r.id));
    expect((await headOf(database.db, 'C0BACK', 10)).map((r) => r.attempts)).toEqual([1, 0, 0]);
    // One sent meanwhile (by a second sender, after a lease ran out) keeps its attempt, and is not taken again.
    const again = await takeNext(database.db, 'C0BACK', [first!.id], now, 10);
    await markSent(database.db, again[0]!.id, now);
    await handBack(database.db, again.map((r) => r.id));
    const rows = await database.db.select().from(outbox).where(inArray(outbox.id, again.map((r) => r.id))).orderBy(outbox.id);
    expect(rows.map((r) => [r.status, r.attempts])).toEqual([['sent', 1], ['pending', 0]]);
    expect(lateOf(await takeNext(database.db, 'C0BACK', [first!.id], now, 10))).toEqual([false]);
  });
});

describe.runIf(SEVERAL_CONNECTIONS_URL)('the outbox, claimed from several connections', () => {
  let concurrent: Database;
  let dropConcurrent: () => Promise<void>;
  beforeAll(async () => {
    const fresh = await freshDatabase(SEVERAL_CONNECTIONS_URL);
    dropConcurrent = fresh.drop;
    concurrent = await openDatabase({ url: fresh.url, template: fresh.template });
  });
  afterAll(async () => {
    await concurrent?.close();
    await dropConcurrent?.();
  });

  it('never hands one lane to two concurrent senders', async () => {
    const now = new Date('2026-11-23T13:00:00Z');
    await enqueue(concurrent.db, now, ...Array.from({ length: 60 }, (_, i) => note(`C0L${i}`)));
    const batches = await Promise.all(Array.from({ length: 6 }, () => claimLanes(concurrent.db, now, 15, 60_000)));
    const lanes = batches.flat().map((r) => r.lane);
    expect(new Set(lanes).size).toBe(lanes.length);
    expect(lanes.length).toBe(60);
  });
});

const SOCKET_DIR = '/var/run/postgresql';

describe.runIf(SEVERAL_CONNECTIONS_URL)('statements on Postgres', () => {
  /** The statements the connection keeps prepared after a transaction that read an issue and queued a message. */
  async function preparedAfterWork(url: string): Promise<number> {
    const opened = await openDatabase({ url });
    try {
      return await opened.db.transaction(async (tx) => {
        await findIssue(tx, 1);
        await enqueue(tx, new Date('2026-11-23T13:00:00Z'), note('C0PREP'));
        const [row] = await rowsOf<{ n: number }>(tx, sql`select count(*)::int as n from pg_prepared_statements where not from_sql`);
        return row!.n;
      });
    } finally {
      await opened.close();
    }
  }

  let url: URL;
  let dropIt: () => Promise<void>;
  beforeAll(async () => {
    const fresh = await freshDatabase(SEVERAL_CONNECTIONS_URL);
    dropIt = fresh.drop;
    url = new URL(fresh.url!);
  });
  afterAll(async () => dropIt?.());

  it('are prepared once per connection, so none waits for a describe round trip of its own', async () => {
    expect(await preparedAfterWork(url.toString())).toBeGreaterThanOrEqual(3);
  });

  it("plan a lane's next messages on its partial index even when Postgres plans them once for any values", async () => {
    const opened = await openDatabase({ url: url.toString() });
    try {
      const plan = await opened.db.transaction(async (tx) => {
        // A generic plan is what Postgres may settle on after a statement's fifth run; here it is the only one.
        await tx.execute(sql`set local plan_cache_mode = force_generic_plan`);
        await takeNext(tx, 'C0PLAN', [], new Date(), 10);
        const [taking] = await rowsOf<{ name: string; params: number }>(tx, sql`select name, cardinality(parameter_types) as params
          from pg_prepared_statements where not from_sql and statement like '%bool_and%'`);
        const nulls = Array.from({ length: taking!.params }, () => 'null').join(', ');
        const lines = await rowsOf<{ 'QUERY PLAN': string }>(tx, sql.raw(`explain execute "${taking!.name}"(${nulls})`));
        return lines.map((l) => l['QUERY PLAN']).join('\n');
      });
      expect(plan).toContain('outbox_lane_pending_idx');
    } finally {
      await opened.close();
    }
  });

  it.runIf(existsSync(`${SOCKET_DIR}/.s.PGSQL.${new URL(SEVERAL_CONNECTIONS_URL ?? 'postgres://x').port || 5432}`))(
    "reach it through a Unix socket when DATABASE_URL names one as libpq does (?host=/path)", async () => {
      const bySocket = new URL(url);
      bySocket.searchParams.set('host', SOCKET_DIR);
      const opened = await openDatabase({ url: bySocket.toString() });
      try {
        const [row] = await rowsOf<{ address: string | null }>(opened.db, sql`select inet_server_addr()::text as address`);
        expect(row).toEqual({ address: null }); // no address: not TCP
      } finally {
        await opened.close();
      }
    });

  it('reach it through the first of several hosts, as postgres.js lists them (h1:5432,h2:5432)', async () => {
    const several = url.toString().replace(`@${url.host}/`, `@${url.host},${url.host}/`);
    const opened = await openDatabase({ url: several });
    try {
      expect(await rowsOf(opened.db, sql`select 1 as one`)).toEqual([{ one: 1 }]);
    } finally {
      await opened.close();
    }
  });

  it('are not kept prepared when DATABASE_URL says prepare=false (a pooler that cannot keep them)', async () => {
    const unprepared = new URL(url);
    unprepared.searchParams.set('prepare', 'false');
    expect(await preparedAfterWork(unprepared.toString())).toBe(0);
  });
});
