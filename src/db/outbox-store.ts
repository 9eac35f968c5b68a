import { and, asc, count, desc, eq, inArray, isNotNull, lte, notInArray, sql, type SQL } from 'drizzle-orm';
import { COALESCING, issueOf, laneOf, payloadOf, type OutboxMessage } from '../domain/outbox-message.js';
import { TIMED_OUT, within } from '../time-limit.js';
import { rowsOf, servesOneConnection, type Db, type Tx } from './client.js';
import { outbox, outboxLanes, type OutboxRow } from './schema.js';
import { statusIs } from './status-literal.js';

/**
 * The outbox, lane by lane. Messages are queued in the transaction that records
 * the change they report; senders claim whole lanes and send their messages in
 * order, so one channel's messages stay in order while other channels go on.
 */

/**
 * Home tabs are refreshed this long after a change rather than at once: a burst
 * of changes (an outage's worth of filings) then costs one refresh per person,
 * not one per change, and a person sees their tab current within seconds.
 */
export const HOME_REFRESH_DELAY_MS = 2_000;

/**
 * Transactions whose lanes are marked due only after they commit (see
 * markingLanesAfterCommit): the lanes they queued to, gathered here.
 */
const lanesToMark = new WeakMap<Tx | Db, Set<string>>();

/** What marking lanes after commit tells its caller: when a late mark landed (send now), and when one failed. */
export interface LaneMarking {
  marked: () => void;
  failed: (error: unknown, lanes: string[]) => void;
}

/**
 * Runs `work` in a transaction whose queued messages mark their lanes due only
 * once it has committed. Marking a lane updates its row, and a row lock held
 * until commit would make every request that queues to one channel (a hundred
 * agents filing about one outage) wait in line for the others' remaining round
 * trips. Inside the transaction a new lane's row is only created; after commit
 * the lanes are marked without waiting on locks (markLanesDueNow). A process
 * that dies between the commit and the mark leaves the lane idle with messages
 * in it: the sweep finds such lanes (markForgottenLanes).
 */
export async function markingLanesAfterCommit<T>(db: Db, now: () => Date, work: (tx: Tx) => Promise<T>, marking: LaneMarking): Promise<T> {
  // On a database of one connection no transaction waits on another's lane rows: marking in the transaction saves a statement.
  if (servesOneConnection(db)) return db.transaction(work);
  const lanes = new Set<string>();
  const result = await db.transaction((tx) => {
    lanesToMark.set(tx, lanes);
    return work(tx);
  });
  if (lanes.size === 0) return result;
  // What was committed is done: the answer waits a moment for the mark, which carries on without it if need be.
  // The caller starts the sender after the answer; a mark that lands later starts it again.
  let late = false;
  const marked = markAfterCommit(db, [...lanes], now, {
    ...marking,
    marked: () => {
      if (late) marking.marked();
    },
  }, 1);
  if ((await within(marked, MARK_WAIT_MS)) === TIMED_OUT) late = true;
  return result;
}

/** How long an answer waits for its lanes to be marked after commit. */
const MARK_WAIT_MS = 100;
/** Lanes busy in another transaction are tried again this often, this many times, then left to the sweep. */
const MARK_RETRY_MS = 50;
const MARK_ATTEMPTS = 20;

async function markAfterCommit(db: Db, lanes: string[], now: () => Date, marking: LaneMarking, attempt: number): Promise<void> {
  let busy: string[];
  try {
    const marked = new Set(await markLanesDueNow(db, lanes, now()));
    if (marked.size) marking.marked();
    busy = lanes.filter((lane) => !marked.has(lane));
  } catch (error) {
    return marking.failed(error, lanes);
  }
  if (busy.length === 0) return;
  if (attempt >= MARK_ATTEMPTS) return marking.failed(new Error(`busy for ${MARK_ATTEMPTS * MARK_RETRY_MS} ms`), busy);
  setTimeout(() => void markAfterCommit(db, busy, now, marking, attempt + 1), MARK_RETRY_MS).unref();
}

/**
 * Marks lanes due now and moves their versions, skipping those whose rows
 * another transaction holds (a timer firing, a result being recorded): waiting
 * for them would make the request wait too. Returns the lanes marked.
 */
async function markLanesDueNow(db: Db, lanes: string[], at: Date): Promise<string[]> {
  const rows = await rowsOf<{ lane: string }>(db, sql`update outbox_lanes l set
      available_at = least(coalesce(l.available_at, ${at.toISOString()}::timestamptz), ${at.toISOString()}::timestamptz),
      version = l.version + 1
    from (select lane from outbox_lanes where lane in (${sql.join(lanes.map((lane) => sql`${lane}`), sql`, `)})
      order by lane for update skip locked) free
    where l.lane = free.lane returning l.lane`);
  return rows.map((r) => r.lane);
}

/** A lane idle this long after a message was queued to it lost its mark. */
const FORGOTTEN_AFTER_MS = 5_000;

/**
 * Marks due the idle lanes that hold pending messages: those whose mark was lost
 * with a process that died between commit and mark. Messages queued in the last
 * few seconds are left to their own marks, which may be on their way. Idle lanes
 * are few (one per channel or person that ever had a message), and each is one
 * index probe.
 */
export async function markForgottenLanes(db: Db, now: Date): Promise<string[]> {
  const settled = new Date(now.getTime() - FORGOTTEN_AFTER_MS);
  const rows = await rowsOf<{ lane: string }>(db, sql`update outbox_lanes l set available_at = ${now.toISOString()}::timestamptz, version = l.version + 1
    where l.available_at is null
      and exists (select 1 from outbox o where o.lane = l.lane and o.status = 'pending' and o.created_at < ${settled.toISOString()}::timestamptz)
    returning l.lane`);
  return rows.map((r) => r.lane);
}

/**
 * Queues messages to be sent after the transaction commits, each in its lane,
 * and marks their lanes as having work (or, in markingLanesAfterCommit, makes
 * sure their rows exist), in one statement for the messages and one for those
 * that coalesce (both go together: one round trip on postgres.js, which
 * pipelines them).
 */
export async function enqueue(tx: Tx | Db, now: Date, ...messages: OutboxMessage[]): Promise<void> {
  if (messages.length === 0) return;
  const rows = messages.map((m) => ({ issue_id: issueOf(m), kind: m.kind, payload: payloadOf(m), lane: laneOf(m) }));
  const plain = rows.filter((r) => !COALESCING.has(r.kind));
  const coalescing = [...new Map(rows.filter((r) => COALESCING.has(r.kind)).map((r) => [`${r.lane} ${r.kind}`, r])).values()];
  const later = new Date(now.getTime() + HOME_REFRESH_DELAY_MS);
  const afterCommit = lanesToMark.get(tx);
  plain.forEach((r) => afterCommit?.add(r.lane));
  const queuedLanes = (at: Date) => sql`select distinct lane, ${at.toISOString()}::timestamptz from queued`;
  await Promise.all([
    // Numbered in the order given: a lane sends its messages in id order.
    plain.length && tx.execute(sql`with queued as (
        insert into outbox (issue_id, kind, payload, lane, available_at, created_at)
        select ${messageColumns}, ${now.toISOString()}::timestamptz, ${now.toISOString()}::timestamptz
        from jsonb_array_elements(${JSON.stringify(plain)}::jsonb) with ordinality as m(message, n) order by m.n
        returning lane)
      ${afterCommit ? createLanes(queuedLanes(now)) : markLanesDue(queuedLanes(now))}`),
    // Skipped where the same message waits and no send of it has started: that one will show this change too.
    // Only a message actually queued touches its lane's row, so a burst does not queue up on one person's lane.
    coalescing.length && tx.execute(sql`with queued as (
        insert into outbox (issue_id, kind, payload, lane, available_at, created_at)
        select ${messageColumns}, ${later.toISOString()}::timestamptz, ${now.toISOString()}::timestamptz
        from jsonb_array_elements(${JSON.stringify(coalescing)}::jsonb) as m(message)
        where not exists (select 1 from outbox o where o.lane = m.message->>'lane' and o.kind = m.message->>'kind' and o.status = 'pending' and o.attempts = 0)
        returning lane)
      ${markLanesDue(queuedLanes(later))}`),
  ]);
}

/** A queued message's columns, read from its JSON (`m.message`). */
const messageColumns = sql.raw(`(m.message->>'issue_id')::integer, m.message->>'kind', m.message->'payload', m.message->>'lane'`);

/** Lanes as rows (lane, at) for markLanesDue. */
const lanesFrom = (lanes: string[], at: Date) =>
  sql`select lane, ${at.toISOString()}::timestamptz from jsonb_array_elements_text(${JSON.stringify(lanes)}::jsonb) as lane`;

/**
 * Marks lanes as having work from `at` (earlier wins) and moves their version,
 * so a sender about to idle a lane sees that something arrived. `lanes` selects
 * (lane, at); they are locked in lane order, so concurrent enqueues cannot deadlock.
 */
function markLanesDue(lanes: SQL) {
  return sql`insert into outbox_lanes (lane, available_at, version)
    select lane, at, 1 from (${lanes}) as due(lane, at) order by lane
    on conflict (lane) do update set
      available_at = least(coalesce(outbox_lanes.available_at, excluded.available_at), excluded.available_at),
      version = outbox_lanes.version + 1`;
}

/**
 * Creates the rows of lanes not seen before, due at once. An existing lane's row
 * is left alone: the check reads it without waiting on whoever holds it (an
 * insert that conflicts would wait for a transaction that updated it).
 */
function createLanes(lanes: SQL) {
  return sql`insert into outbox_lanes (lane, available_at, version)
    select lane, at, 1 from (${lanes}) as due(lane, at)
    where not exists (select 1 from outbox_lanes l where l.lane = due.lane)
    order by lane
    on conflict (lane) do nothing`;
}

export interface ClaimedLane {
  lane: string;
  version: number;
}

/**
 * Claims lanes whose next message may go now. FOR UPDATE SKIP LOCKED lets
 * instances claim side by side without taking the same lane; the lease
 * (locked_until) hands a crashed instance's lanes to the others once it runs
 * out. Uses outbox_lanes_due_idx: the cost does not grow with the backlog.
 */
export async function claimLanes(db: Db, now: Date, limit: number, leaseMs: number, skip: string[] = []): Promise<ClaimedLane[]> {
  if (limit <= 0) return [];
  const list = await rowsOf<{ lane: string; version: number | string }>(db, sql`update outbox_lanes l set locked_until = ${new Date(now.getTime() + leaseMs).toISOString()}::timestamptz
    from (select lane from outbox_lanes
      where available_at <= ${now.toISOString()}::timestamptz
        and (locked_until is null or locked_until < ${now.toISOString()}::timestamptz)
        ${skip.length ? sql`and lane not in (${sql.join(skip.map((s) => sql`${s}`), sql`, `)})` : sql``}
      order by available_at limit ${limit} for update skip locked) due
    where l.lane = due.lane returning l.lane, l.version`);
  return list.map((r) => ({ lane: r.lane, version: Number(r.version) }));
}

/**
 * Keeps a claimed lane while its messages are being sent. A lane released
 * meanwhile is left alone: a renewal that lands after the release (on another
 * connection of the pool) would lock the lane for a whole lease with no sender.
 */
export async function extendLease(db: Db, lane: string, until: Date): Promise<void> {
  await db.update(outboxLanes).set({ lockedUntil: until }).where(and(eq(outboxLanes.lane, lane), isNotNull(outboxLanes.lockedUntil)));
}

/** The next messages of a lane, oldest first (outbox_lane_pending_idx). */
export async function headOf(db: Db, lane: string, limit: number): Promise<OutboxRow[]> {
  return db.select().from(outbox).where(and(eq(outbox.lane, lane), statusIs(outbox.status, 'pending'))).orderBy(asc(outbox.id)).limit(limit);
}

/** Hands a lane back until `nextAt`, when its head may go (a rate limit's wait, or a backoff). */
export async function releaseLane(db: Db, claimed: ClaimedLane, nextAt: Date): Promise<void> {
  await db.update(outboxLanes).set({ availableAt: nextAt, lockedUntil: null }).where(eq(outboxLanes.lane, claimed.lane));
}

/**
 * Hands back a lane whose sender found nothing it may send now, in one round
 * trip that reads the lane's head (outbox_lane_pending_idx): the lane is due when
 * its head may go, and returns that time to wake for. With no head it goes idle
 * and returns null, unless something was queued since the claim (its version
 * moved): then it is only unlocked, stays due, and is claimed again.
 */
export async function releaseIdle(db: Db, claimed: ClaimedLane): Promise<Date | null> {
  const [released] = await rowsOf<{ at: Date | string | null }>(db, sql`update outbox_lanes l set available_at = head.at, locked_until = null
    from (select (select ${outbox.availableAt} from ${outbox}
      where ${and(eq(outbox.lane, claimed.lane), statusIs(outbox.status, 'pending'))} order by ${outbox.id} limit 1) as at) head
    where l.lane = ${claimed.lane} and (head.at is not null or l.version = ${claimed.version})
    returning head.at`);
  if (!released) {
    await db.update(outboxLanes).set({ lockedUntil: null }).where(eq(outboxLanes.lane, claimed.lane));
    return null;
  }
  return released.at === null ? null : new Date(released.at);
}

/**
 * Takes a lane's next messages, up to `limit`, skipping those already sent and
 * still being recorded (`skip`): the run of them that may go now, oldest first,
 * stopping at the first that must wait (order). Each send counts as started
 * before Slack is called: after a crash, the next attempt knows to look before
 * posting (handBack undoes this for those not sent). One round trip for the
 * lot; the running bool_and reads the lane's head only (outbox_lane_pending_idx),
 * however long the lane.
 */
export async function takeNext(db: Db, lane: string, skip: number[], now: Date, limit: number): Promise<OutboxRow[]> {
  const head = sql`select id from (
      select ${outbox.id}, bool_and(${outbox.availableAt} <= ${now.toISOString()}::timestamptz) over (order by ${outbox.id}) as ready
      from ${outbox}
      where ${and(eq(outbox.lane, lane), statusIs(outbox.status, 'pending'), skip.length ? notInArray(outbox.id, skip) : undefined)}
      order by ${outbox.id} limit ${limit}) head
    where ready`;
  // status again: with two senders on one lane (a lease that ran out), a row may have been sent meanwhile.
  const rows = await db.update(outbox).set({ attempts: sql`${outbox.attempts} + 1` })
    .where(and(sql`${outbox.id} in (${head})`, statusIs(outbox.status, 'pending'))).returning();
  return rows.sort((a, b) => a.id - b.id);
}

/** Messages taken but not sent (the lane stopped first): their attempts did not happen. */
export async function handBack(db: Db, ids: number[]): Promise<void> {
  if (ids.length === 0) return;
  await db.update(outbox).set({ attempts: sql`greatest(${outbox.attempts} - 1, 0)` }).where(and(inArray(outbox.id, ids), statusIs(outbox.status, 'pending')));
}

export async function markSent(db: Db | Tx, id: number, now: Date): Promise<void> {
  await db.update(outbox).set({ status: 'sent', sentAt: now }).where(eq(outbox.id, id));
}

/**
 * Puts a message off until `at`. A transient failure counts towards giving up; a
 * rate limit does not, and its attempt is not counted either: Slack certainly
 * did not post it, so the next attempt need not look before posting.
 */
export async function retryLater(db: Db, id: number, at: Date, error: string, failed: { now: Date } | null): Promise<void> {
  await db.update(outbox).set({
    availableAt: at,
    lastError: error,
    ...(failed
      ? { failures: sql`${outbox.failures} + 1`, firstFailedAt: sql`coalesce(${outbox.firstFailedAt}, ${failed.now.toISOString()}::timestamptz)` }
      : { attempts: sql`greatest(${outbox.attempts} - 1, 0)` }),
  }).where(eq(outbox.id, id));
}

export async function markFailed(db: Db | Tx, id: number, error: string, now: Date): Promise<void> {
  await db.update(outbox).set({ status: 'failed', lastError: error, failedAt: now }).where(eq(outbox.id, id));
}

/** When the oldest message that may go by `now` was queued: how far behind the outbox is. */
export async function oldestDue(db: Db, now: Date): Promise<Date | undefined> {
  const [row] = await db.select({ at: sql<string | null>`min(${outbox.createdAt})` }).from(outbox)
    .where(and(statusIs(outbox.status, 'pending'), lte(outbox.availableAt, now)));
  return row?.at ? new Date(row.at) : undefined;
}

export async function pendingCount(db: Db): Promise<number> {
  const [row] = await db.select({ n: count() }).from(outbox).where(statusIs(outbox.status, 'pending'));
  return row!.n;
}

/** Messages given up on, per kind: for /metrics. */
export async function failedCounts(db: Db): Promise<Array<{ kind: string; n: number }>> {
  return db.select({ kind: outbox.kind, n: count() }).from(outbox).where(statusIs(outbox.status, 'failed')).groupBy(outbox.kind);
}

/** Messages given up on, the latest first: what `frontline outbox` lists. */
export async function failedMessages(db: Db, limit: number): Promise<OutboxRow[]> {
  return db.select().from(outbox).where(statusIs(outbox.status, 'failed')).orderBy(desc(outbox.failedAt), desc(outbox.id)).limit(limit);
}

/**
 * Puts given-up messages back in their lanes, as new, to be sent at once:
 * `frontline outbox retry`. Returns the ids requeued.
 */
export async function requeueFailed(db: Db, ids: number[] | 'all', now: Date): Promise<number[]> {
  return db.transaction(async (tx) => {
    const where = ids === 'all' ? statusIs(outbox.status, 'failed') : and(statusIs(outbox.status, 'failed'), inArray(outbox.id, ids));
    const rows = await tx.update(outbox)
      .set({ status: 'pending', failures: 0, firstFailedAt: null, failedAt: null, availableAt: now, attempts: 0 })
      .where(where).returning({ id: outbox.id, lane: outbox.lane });
    const lanes = [...new Set(rows.map((r) => r.lane))];
    if (lanes.length) {
      await tx.execute(markLanesDue(lanesFrom(lanes, now)));
    }
    return rows.map((r) => r.id);
  });
}
