import { sql, type SQL } from 'drizzle-orm';
import type { Db } from './client.js';

/**
 * The figures of a manager digest, each one SQL aggregate over indexed columns:
 * nothing loads issues into memory. Times are business time on each issue's own
 * calendar, paused time excluded (recorded on the issue as it happens).
 */

export interface Period {
  from: Date;
  to: Date;
}

export interface Volume {
  filed: number;
  claimed: number;
  resolved: number;
  reopened: number;
}

export interface Speed {
  key: string;
  acks: number;
  ackMedian: number | null;
  ackP90: number | null;
  resolves: number;
  resolveMedian: number | null;
  resolveP90: number | null;
}

export interface IssueLine {
  key: string;
  team: string;
  summary: string;
  cardUrl: string | null;
  status: string;
  dueAt: Date;
  tier: number;
}

const teamIn = (teams: string[]) => sql`team in (${sql.join(teams.map((t) => sql`${t}`), sql`, `)})`;
const iso = (d: Date) => sql`${d.toISOString()}::timestamptz`;
const between = (column: SQL, p: Period) => sql`${column} >= ${iso(p.from)} and ${column} < ${iso(p.to)}`;

/** postgres.js returns rows as an array, PGlite as `{ rows }`. */
async function rows<T>(db: Db, query: SQL): Promise<T[]> {
  const result = (await db.execute(query)) as unknown as T[] | { rows: T[] };
  return Array.isArray(result) ? result : result.rows;
}

const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));

export async function volume(db: Db, teams: string[], p: Period): Promise<Volume> {
  const [row] = await rows<Record<string, unknown>>(db, sql`select
    (select count(*) from issues where ${teamIn(teams)} and ${between(sql`filed_at`, p)}) as filed,
    (select count(*) from issues where ${teamIn(teams)} and ${between(sql`claimed_at`, p)}) as claimed,
    (select count(*) from issues where ${teamIn(teams)} and ${between(sql`resolved_at`, p)}) as resolved,
    (select count(*) from issue_events e join issues i on i.id = e.issue_id
      where e.type = 'reopened' and ${between(sql`e.at`, p)} and i.${teamIn(teams)}) as reopened`);
  return { filed: Number(row!.filed), claimed: Number(row!.claimed), resolved: Number(row!.resolved), reopened: Number(row!.reopened) };
}

export async function openNow(db: Db, teams: string[]): Promise<number> {
  const [row] = await rows<{ n: unknown }>(db, sql`select count(*) as n from issues where ${teamIn(teams)} and status <> 'resolved'`);
  return Number(row!.n);
}

/**
 * Median and 90th percentile of time to acknowledge (issues claimed in the
 * period) and to resolve (issues resolved in the period), per team and per level.
 */
export async function speed(db: Db, teams: string[], p: Period): Promise<{ byTeam: Speed[]; byLevel: Speed[] }> {
  const query = (dimension: SQL) => sql`select ${dimension} as key,
      count(*) filter (where ${between(sql`claimed_at`, p)}) as acks,
      percentile_cont(0.5) within group (order by ack_business_ms) filter (where ${between(sql`claimed_at`, p)}) as ack_median,
      percentile_cont(0.9) within group (order by ack_business_ms) filter (where ${between(sql`claimed_at`, p)}) as ack_p90,
      count(*) filter (where ${between(sql`resolved_at`, p)}) as resolves,
      percentile_cont(0.5) within group (order by resolve_business_ms) filter (where ${between(sql`resolved_at`, p)}) as resolve_median,
      percentile_cont(0.9) within group (order by resolve_business_ms) filter (where ${between(sql`resolved_at`, p)}) as resolve_p90
    from issues
    where ${teamIn(teams)} and (${between(sql`claimed_at`, p)} or ${between(sql`resolved_at`, p)})
    group by 1 order by 1`;
  const toSpeed = (r: Record<string, unknown>): Speed => ({
    key: String(r.key), acks: Number(r.acks), ackMedian: num(r.ack_median), ackP90: num(r.ack_p90),
    resolves: Number(r.resolves), resolveMedian: num(r.resolve_median), resolveP90: num(r.resolve_p90),
  });
  const [byTeam, byLevel] = await Promise.all([rows<Record<string, unknown>>(db, query(sql`team`)), rows<Record<string, unknown>>(db, query(sql`level`))]);
  return { byTeam: byTeam.map(toSpeed), byLevel: byLevel.map(toSpeed) };
}

export interface Missed {
  team: string;
  filed: number;
  ackMissed: number;
  resolveMissed: number;
}

/** Of the issues filed in the period, how many missed each target (or have missed it by now). */
export async function missedTargets(db: Db, teams: string[], p: Period, now: Date): Promise<Missed[]> {
  const result = await rows<Record<string, unknown>>(db, sql`select team, count(*) as filed,
      count(*) filter (where coalesce(claimed_at, ${iso(now)}) > ack_due_at) as ack_missed,
      count(*) filter (where coalesce(resolved_at, ${iso(now)}) > resolve_due_at and status <> 'waiting') as resolve_missed
    from issues where ${teamIn(teams)} and ${between(sql`filed_at`, p)} group by team order by team`);
  return result.map((r) => ({ team: String(r.team), filed: Number(r.filed), ackMissed: Number(r.ack_missed), resolveMissed: Number(r.resolve_missed) }));
}

const lineColumns = sql`key, team, summary, card_url as "cardUrl", status,
  case when status = 'open' then ack_due_at else resolve_due_at end as "dueAt", greatest(ack_tier, resolve_tier) as tier`;

function toLine(r: Record<string, unknown>): IssueLine {
  return { ...(r as unknown as IssueLine), dueAt: new Date(r.dueAt as string), tier: Number(r.tier) };
}

/** Escalations filed in the period that reached tier 2 or higher. */
export async function highTiers(db: Db, teams: string[], p: Period, limit: number): Promise<{ lines: IssueLine[]; total: number }> {
  const where = sql`${teamIn(teams)} and ${between(sql`filed_at`, p)} and greatest(ack_tier, resolve_tier) >= 2`;
  const [lines, [count]] = await Promise.all([
    rows<Record<string, unknown>>(db, sql`select ${lineColumns} from issues where ${where} order by filed_at limit ${limit}`),
    rows<{ n: unknown }>(db, sql`select count(*) as n from issues where ${where}`),
  ]);
  return { lines: lines.map(toLine), total: Number(count!.n) };
}

/** Unclaimed issues, and claimed ones already past their resolution target: the most overdue first. */
export async function urgentNow(db: Db, teams: string[], now: Date, limit: number): Promise<{ lines: IssueLine[]; total: number }> {
  const where = sql`${teamIn(teams)} and (status = 'open' or (status = 'claimed' and resolve_due_at < ${iso(now)}))`;
  const [lines, [count]] = await Promise.all([
    rows<Record<string, unknown>>(db, sql`select ${lineColumns} from issues where ${where}
      order by case when status = 'open' then ack_due_at else resolve_due_at end limit ${limit}`),
    rows<{ n: unknown }>(db, sql`select count(*) as n from issues where ${where}`),
  ]);
  return { lines: lines.map(toLine), total: Number(count!.n) };
}

export interface CategoryCount {
  category: string;
  count: number;
  previous: number;
  easiest: number;
  /** Resolved without a reroute or a reopen. */
  clean: number;
}

/** Categories filed in the period, with the previous period's count for the trend. */
export async function categories(db: Db, teams: string[], p: Period, previous: Period, easiestLevel: string, limit: number): Promise<CategoryCount[]> {
  const current = between(sql`filed_at`, p);
  const result = await rows<Record<string, unknown>>(db, sql`select category,
      count(*) filter (where ${current}) as count,
      count(*) filter (where ${between(sql`filed_at`, previous)}) as previous,
      count(*) filter (where ${current} and level = ${easiestLevel}) as easiest,
      count(*) filter (where ${current} and status = 'resolved' and reroute_count = 0 and reopen_count = 0) as clean
    from issues where ${teamIn(teams)} and filed_at >= ${iso(previous.from)} and filed_at < ${iso(p.to)}
    group by category having count(*) filter (where ${current}) > 0 order by 2 desc, 1 limit ${limit}`);
  return result.map((r) => ({ category: String(r.category), count: Number(r.count), previous: Number(r.previous), easiest: Number(r.easiest), clean: Number(r.clean) }));
}

export interface OriginSpeed {
  origin: string | null;
  issues: number;
  ackMedian: number | null;
  resolveMedian: number | null;
}

/** Median time to acknowledge and resolve per channel of origin, and overall (origin null), for issues filed in the period. */
export async function originSpeeds(db: Db, teams: string[], p: Period): Promise<OriginSpeed[]> {
  const result = await rows<Record<string, unknown>>(db, sql`select origin, count(*) as issues,
      percentile_cont(0.5) within group (order by ack_business_ms) as ack_median,
      percentile_cont(0.5) within group (order by resolve_business_ms) as resolve_median
    from issues where ${teamIn(teams)} and ${between(sql`filed_at`, p)}
    group by grouping sets ((origin), ()) order by origin nulls first`);
  return result.map((r) => ({ origin: r.origin === null ? null : String(r.origin), issues: Number(r.issues), ackMedian: num(r.ack_median), resolveMedian: num(r.resolve_median) }));
}

export interface Recognition {
  claimers: Array<{ user: string; count: number }>;
  resolvers: Array<{ user: string; count: number }>;
  praise: IssueLine[];
}

export async function recognition(db: Db, teams: string[], p: Period, praiseCategory: string): Promise<Recognition> {
  const top = (column: SQL, at: SQL) => rows<Record<string, unknown>>(db, sql`select ${column} as user, count(*) as count
    from issues where ${teamIn(teams)} and ${between(at, p)} and ${column} is not null group by 1 order by 2 desc, 1 limit 3`);
  const [claimers, resolvers, praise] = await Promise.all([
    top(sql`claimer_id`, sql`claimed_at`),
    top(sql`resolved_by`, sql`resolved_at`),
    rows<Record<string, unknown>>(db, sql`select ${lineColumns} from issues where ${teamIn(teams)} and category = ${praiseCategory}
      and ${between(sql`filed_at`, p)} order by filed_at limit 5`),
  ]);
  const toCount = (r: Record<string, unknown>) => ({ user: String(r.user), count: Number(r.count) });
  return { claimers: claimers.map(toCount), resolvers: resolvers.map(toCount), praise: praise.map(toLine) };
}
