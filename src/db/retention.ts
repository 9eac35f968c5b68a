import { sql } from 'drizzle-orm';
import type { Matrix } from '../domain/routing/matrix.js';
import type { Db } from './client.js';
import { dailyJobs } from './schema.js';

/**
 * `retention:` in routing.yml, applied once a day across all instances: the
 * first to insert the day's row in daily_jobs runs it. Deleting is idempotent,
 * so a day whose run died half-way is caught up by the next.
 */

export interface Removed {
  issues: number;
  events: number;
  outbox: number;
}

const utcDay = (now: Date) => now.toISOString().slice(0, 10);

/** Claims today's run of `job`; false when another instance (or an earlier sweep) already has. */
export async function claimDailyJob(db: Db, job: string, now: Date): Promise<boolean> {
  const inserted = await db.insert(dailyJobs).values({ job, day: utcDay(now), ranAt: now }).onConflictDoNothing().returning({ day: dailyJobs.day });
  return inserted.length === 1;
}

const count = (result: unknown) => Number((result as { count?: number }).count ?? (result as { affectedRows?: number }).affectedRows ?? 0);
const before = (now: Date, ms: number) => sql`${new Date(now.getTime() - ms).toISOString()}::timestamptz`;

/**
 * Deletes what `retention` no longer keeps: sent and given-up messages, events,
 * and resolved issues with everything that points at them. A parent stays while
 * any of its reports does.
 */
export async function applyRetention(db: Db, retention: Matrix['retention'], now: Date): Promise<Removed> {
  const removed: Removed = { issues: 0, events: 0, outbox: 0 };
  if (retention.outboxMs !== undefined) {
    // Counted from when a message was done with (sent, or given up on), not queued.
    removed.outbox += count(await db.execute(sql`delete from outbox
      where status <> 'pending' and coalesce(sent_at, failed_at, created_at) < ${before(now, retention.outboxMs)}`));
  }
  if (retention.eventsMs !== undefined) {
    removed.events += count(await db.execute(sql`delete from issue_events where at < ${before(now, retention.eventsMs)}`));
  }
  if (retention.resolvedIssuesMs !== undefined) {
    const cutoff = before(now, retention.resolvedIssuesMs);
    await db.transaction(async (tx) => {
      await tx.execute(sql`create temporary table expired on commit drop as
        select i.id from issues i where i.status = 'resolved' and i.resolved_at < ${cutoff}
          and not exists (select 1 from issues r where r.parent_id = i.id and not (r.status = 'resolved' and r.resolved_at < ${cutoff}))`);
      removed.events += count(await tx.execute(sql`delete from issue_events where issue_id in (select id from expired)`));
      await tx.execute(sql`delete from timers where issue_id in (select id from expired)`);
      removed.outbox += count(await tx.execute(sql`delete from outbox where issue_id in (select id from expired)`));
      await tx.execute(sql`delete from idempotency_keys where issue_id in (select id from expired)`);
      removed.issues += count(await tx.execute(sql`delete from issues where id in (select id from expired)`));
    });
  }
  return removed;
}
