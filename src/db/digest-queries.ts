import { sql } from 'drizzle-orm';
import type { EventType } from '../domain/issue/events.js';
import { rowsOf, type Db } from './client.js';

/**
 * The figures of a manager digest, read from the event log with one definition
 * each, so that no two sections can disagree:
 *
 * - a filing is a `filed` event, a reopening a `reopened` event;
 * - an acknowledgement is a `claimed` event (resolving an unclaimed issue
 *   records one too), with its business time and whether it was late;
 * - a resolution is a `resolved` event, likewise. An issue resolved, reopened
 *   and resolved again counts twice, in every section.
 *
 * Each event counts for the team that had the issue when it happened, and
 * carries the issue's category, level and origin, so figures are aggregates
 * over the events alone (issue_events_type_at_idx): nothing joins or loads issues.
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

/** Acknowledgements or resolutions of one group: how many, how many late, and their business times. */
export interface Measure {
  count: number;
  late: number;
  median: number | null;
  p90: number | null;
}

/** One measure, broken down the ways the digest shows it. */
export interface Breakdown {
  overall: Measure;
  byTeam: Map<string, Measure>;
  byLevel: Map<string, Measure>;
  byOrigin: Map<string, Measure>;
  byActor: Map<string, Measure>;
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

const list = (values: string[]) => sql.join(values.map((v) => sql`${v}`), sql`, `);
const iso = (d: Date) => sql`${d.toISOString()}::timestamptz`;

/**
 * What a digest covers: its teams, less the praise categories, which are not
 * problems and would skew every problem figure (they get their own line).
 */
export interface Scope {
  teams: string[];
  praise: string[];
}

const notPraise = (column: string, scope: Scope) =>
  scope.praise.length ? sql` and ${sql.raw(column)} not in (${list(scope.praise)})` : sql``;

/** The events of one figure (or several): of `type`, in the period, for the scope. Uses issue_events_type_at_idx. */
const figure = (type: EventType | EventType[], scope: Scope, p: Period) =>
  sql`e.type in (${list([type].flat())}) and e.at >= ${iso(p.from)} and e.at < ${iso(p.to)} and e.team in (${list(scope.teams)})${notPraise('e.category', scope)}`;

/** Issues of the scope, as `i`. */
const issuesOf = (scope: Scope) => sql`i.team in (${list(scope.teams)})${notPraise('i.category', scope)}`;


const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));

export async function volume(db: Db, scope: Scope, p: Period): Promise<Volume> {
  const counted = await rowsOf<{ type: string; n: unknown }>(db, sql`select e.type, count(*) as n from issue_events e
    where ${figure(['filed', 'claimed', 'resolved', 'reopened'], scope, p)} group by e.type`);
  const n = (type: EventType) => Number(counted.find((r) => r.type === type)?.n ?? 0);
  return { filed: n('filed'), claimed: n('claimed'), resolved: n('resolved'), reopened: n('reopened') };
}

/**
 * Acknowledgements (`claimed`, measured by `ackMs`) or resolutions (`resolved`,
 * by `resolveMs`) in the period: overall, and per team, level, origin and person,
 * all from one grouped query over the same events.
 */
/**
 * Who gets the credit: a swarm's reports are acknowledged and resolved with their
 * parent, which counts once for the person who did it.
 */
const ACTOR = sql.raw(`case when e.details->>'via' = 'swarm' or e.details->>'report' = 'true' then null else e.actor end`);

export async function measure(db: Db, type: 'claimed' | 'resolved', scope: Scope, p: Period): Promise<Breakdown> {
  const ms = sql.raw(type === 'claimed' ? `(e.details->>'ackMs')::float8` : `(e.details->>'resolveMs')::float8`);
  // The inner query reads each event's figures once, so the five groupings sort narrow rows
  // (`offset 0` keeps the planner from merging it into the outer query).
  const result = await rowsOf<Record<string, unknown>>(db, sql`select grouping(m.team, m.level, m.origin, m.actor) as g,
      m.team, m.level, m.origin, m.actor, count(*) as n, count(*) filter (where m.late) as late,
      percentile_cont(0.5) within group (order by m.ms) as median,
      percentile_cont(0.9) within group (order by m.ms) as p90
    from (select e.team, e.level, e.origin, ${ACTOR} as actor, ${ms} as ms, (e.details->>'late')::boolean as late
      from issue_events e where ${figure(type, scope, p)} offset 0) m
    group by grouping sets ((m.team), (m.level), (m.origin), (m.actor), ())`);
  const breakdown: Breakdown = {
    overall: { count: 0, late: 0, median: null, p90: null }, byTeam: new Map(), byLevel: new Map(), byOrigin: new Map(), byActor: new Map(),
  };
  for (const r of result) {
    const m: Measure = { count: Number(r.n), late: Number(r.late), median: num(r.median), p90: num(r.p90) };
    // grouping() sets a bit for each column left out of the row's grouping set: team 8, level 4, origin 2, actor 1.
    switch (Number(r.g)) {
      case 0b0111: breakdown.byTeam.set(String(r.team), m); break;
      case 0b1011: breakdown.byLevel.set(String(r.level), m); break;
      case 0b1101: breakdown.byOrigin.set(String(r.origin), m); break;
      case 0b1110: if (r.actor !== null) breakdown.byActor.set(String(r.actor), m); break;
      case 0b1111: breakdown.overall = m; break;
    }
  }
  return breakdown;
}

/** Issues open now, and those of them already past the target that is running (issues_open_team_idx). */
export async function openNow(db: Db, scope: Scope, now: Date): Promise<{ open: number; overdueByTeam: Map<string, number> }> {
  const result = await rowsOf<{ team: string; open: unknown; overdue: unknown }>(db, sql`select i.team, count(*) as open,
      count(*) filter (where (i.status = 'unclaimed' and i.ack_due_at < ${iso(now)}) or (i.status = 'claimed' and i.resolve_due_at < ${iso(now)})) as overdue
    from issues i where ${issuesOf(scope)} and i.status <> 'resolved' and i.parent_id is null group by i.team`);
  return {
    open: result.reduce((sum, r) => sum + Number(r.open), 0),
    overdueByTeam: new Map(result.map((r) => [r.team, Number(r.overdue)])),
  };
}

const lineColumns = sql`i.key, i.team, i.summary, i.card_url as "cardUrl", i.status,
  case when i.status = 'unclaimed' then i.ack_due_at else i.resolve_due_at end as "dueAt", greatest(i.ack_tier, i.resolve_tier) as tier`;

function toLine(r: Record<string, unknown>): IssueLine {
  return { ...(r as unknown as IssueLine), dueAt: new Date(r.dueAt as string), tier: Number(r.tier) };
}

/**
 * Issues escalated to tier 2 or higher during the period, with the highest tier
 * they reached, in the order they got there. Only the listed few are joined to
 * their issues.
 */
export async function highTiers(db: Db, scope: Scope, p: Period, limit: number): Promise<{ lines: IssueLine[]; total: number }> {
  const result = await rowsOf<Record<string, unknown>>(db, sql`with escalated as materialized (
      select t.issue_id, max(t.tier) as tier, min(t.at) as reached, count(*) over () as total
      -- offset 0: read each event's tier once, into narrow rows, before grouping
      from (select e.issue_id, e.at, (e.details->>'tier')::int as tier from issue_events e where ${figure('escalated', scope, p)} offset 0) t
      where t.tier >= 2 group by t.issue_id order by reached limit ${limit})
    select ${lineColumns}, escalated.total from escalated join issues i on i.id = escalated.issue_id order by escalated.reached`);
  return { lines: result.map(toLine), total: Number(result[0]?.total ?? 0) };
}

/**
 * Unclaimed issues, and claimed ones already past their resolution target: the
 * most overdue first. Each list walks its own partial index in due order and
 * stops at `limit`, however many issues are open.
 */
export async function urgentNow(db: Db, scope: Scope, now: Date, limit: number): Promise<{ lines: IssueLine[]; total: number }> {
  const [unclaimed, overdue, [count]] = await Promise.all([
    rowsOf<Record<string, unknown>>(db, sql`select ${lineColumns} from issues i
      where i.status = 'unclaimed' and i.parent_id is null and ${issuesOf(scope)} order by i.ack_due_at limit ${limit}`),
    rowsOf<Record<string, unknown>>(db, sql`select ${lineColumns} from issues i
      where i.status = 'claimed' and i.parent_id is null and i.resolve_due_at < ${iso(now)} and ${issuesOf(scope)} order by i.resolve_due_at limit ${limit}`),
    rowsOf<{ n: unknown }>(db, sql`select count(*) as n from issues i where ${issuesOf(scope)} and i.parent_id is null
      and (i.status = 'unclaimed' or (i.status = 'claimed' and i.resolve_due_at < ${iso(now)}))`),
  ]);
  const lines = [...unclaimed, ...overdue].map(toLine).sort((a, b) => a.dueAt.getTime() - b.dueAt.getTime()).slice(0, limit);
  return { lines, total: Number(count!.n) };
}

export interface CategoryCount {
  category: string;
  /** Filings in the period, and in the period before it. */
  count: number;
  previous: number;
  /** Filings at the easiest level. */
  easiest: number;
  /** Resolutions in the period that came first time: no reroute, no reopen before them. */
  firstTime: number;
}

/** Categories of the period's filings, with the previous period's count for the trend. */
export async function categories(db: Db, scope: Scope, p: Period, previous: Period, easiestLevel: string, limit: number): Promise<CategoryCount[]> {
  const current = sql`c.at >= ${iso(p.from)}`;
  const filed = sql`c.type = 'filed'`;
  const result = await rowsOf<Record<string, unknown>>(db, sql`select c.category,
      count(*) filter (where ${filed} and ${current}) as count,
      count(*) filter (where ${filed} and c.at < ${iso(previous.to)}) as previous,
      count(*) filter (where ${filed} and ${current} and c.level = ${easiestLevel}) as easiest,
      count(*) filter (where c.type = 'resolved' and c.first_time) as first_time
    from (
      select e.type, e.at, e.category, e.level, false as first_time from issue_events e where ${figure('filed', scope, { from: previous.from, to: p.to })}
      union all
      select e.type, e.at, e.category, e.level, (e.details->>'firstTime')::boolean from issue_events e where ${figure('resolved', scope, p)}
    ) c
    group by c.category having count(*) filter (where ${filed} and ${current}) > 0 order by 2 desc, 1 limit ${limit}`);
  return result.map((r) => ({
    category: String(r.category), count: Number(r.count), previous: Number(r.previous), easiest: Number(r.easiest), firstTime: Number(r.first_time),
  }));
}

/** Praise in the period: escalations of praise categories, and praise recorded for an expert (by a praise escalation or a happy customer). */
export interface PraiseFigures {
  /** Praise escalations filed, the first few listed, oldest first. */
  escalations: { total: number; lines: IssueLine[] };
  /** Experts praised, most first: each escalation naming them, and each happy customer, once. */
  experts: { user: string; count: number }[];
  happyCustomers: number;
}

export async function praiseFigures(db: Db, scope: Scope, p: Period, limit: number): Promise<PraiseFigures> {
  const everything: Scope = { teams: scope.teams, praise: [] };
  const [lines, [total], experts] = await Promise.all([
    scope.praise.length === 0 ? [] : rowsOf<Record<string, unknown>>(db, sql`select ${lineColumns} from issue_events e join issues i on i.id = e.issue_id
      where ${figure('filed', everything, p)} and e.category in (${list(scope.praise)}) order by e.at limit ${limit}`),
    scope.praise.length === 0 ? [{ n: 0 }] : rowsOf<{ n: unknown }>(db, sql`select count(*) as n from issue_events e
      where ${figure('filed', everything, p)} and e.category in (${list(scope.praise)})`),
    rowsOf<{ expert: string; n: unknown; happy: unknown }>(db, sql`select e.details->>'expert' as expert, count(*) as n,
      count(*) filter (where e.details->>'via' = 'happy_customer') as happy
      from issue_events e where ${figure('praised', everything, p)} group by 1 order by 2 desc, 1`),
  ]);
  return {
    escalations: { total: Number(total!.n), lines: lines.map(toLine) },
    experts: experts.map((r) => ({ user: r.expert, count: Number(r.n) })),
    happyCustomers: experts.reduce((sum, r) => sum + Number(r.happy), 0),
  };
}

/** Swarms of the period: parents that gathered reports, how many, and how fast the resolved ones were resolved. */
export interface SwarmFigures {
  swarms: number;
  reports: number;
  largest: number;
  resolved: number;
  /** Business time to resolve a swarm's parent (paused time excluded), median; null when none was resolved. */
  medianResolveMs: number | null;
}

/**
 * A swarm counts in the period its reports joined it (net of reports taken out
 * again); its resolution counts when that falls in the period too.
 */
export async function swarmFigures(db: Db, scope: Scope, p: Period): Promise<SwarmFigures> {
  const [row] = await rowsOf<Record<string, unknown>>(db, sql`with swarms as materialized (
      select e.issue_id, count(*) filter (where e.type = 'report_linked') - count(*) filter (where e.type = 'report_unlinked') as reports
      from issue_events e where ${figure(['report_linked', 'report_unlinked'], scope, p)} group by e.issue_id)
    select count(*) filter (where s.reports > 0) as swarms, coalesce(sum(s.reports) filter (where s.reports > 0), 0) as reports,
      coalesce(max(s.reports), 0) as largest, count(r.ms) filter (where s.reports > 0) as resolved,
      percentile_cont(0.5) within group (order by r.ms) filter (where s.reports > 0) as median
    from swarms s left join lateral (
      select (e.details->>'resolveMs')::float8 as ms from issue_events e
      where e.issue_id = s.issue_id and e.type = 'resolved' and e.at >= ${iso(p.from)} and e.at < ${iso(p.to)} order by e.id desc limit 1) r on true`);
  return {
    swarms: Number(row?.swarms ?? 0), reports: Number(row?.reports ?? 0), largest: Number(row?.largest ?? 0),
    resolved: Number(row?.resolved ?? 0), medianResolveMs: num(row?.median),
  };
}

/** What the front line could answer itself: forms closed after help, and where help is missing or repetitive. */
export interface DeflectionFigures {
  /** Forms closed after the article or past answers were shown, per category, most first. */
  deflected: { category: string; count: number }[];
  /** Categories of the period's escalations, with how many: the digest flags the busy ones without an article. */
  filed: { category: string; count: number }[];
  /** Categories whose resolutions keep saying the same thing: the largest group of alike answers, and one of them. */
  sameAnswer: { category: string; alike: number; example: string }[];
}

/** Two resolution notes this alike (trigram similarity of their normalised text) say the same thing. */
const SAME_ANSWER = 0.5;
/** Only the latest resolutions of a category are compared with each other, so the cost stays bounded. */
const ANSWERS_COMPARED = 200;

export async function deflectionFigures(db: Db, scope: Scope, p: Period): Promise<DeflectionFigures> {
  const [deflected, filed, sameAnswer] = await Promise.all([
    rowsOf<{ category: string; n: unknown }>(db, sql`select d.category, count(*) as n from deflections d
      where d.at >= ${iso(p.from)} and d.at < ${iso(p.to)} and d.team in (${list(scope.teams)}) group by 1 order by 2 desc, 1`),
    rowsOf<{ category: string; n: unknown }>(db, sql`select e.category, count(*) as n from issue_events e where ${figure('filed', scope, p)} group by 1 order by 2 desc, 1`),
    rowsOf<{ category: string; alike: unknown; example: string }>(db, sql`with answers as materialized (
        select r.id, r.category, r.note, swarm_norm(r.note) as norm from (select e.id, e.category, e.details->>'note' as note,
          row_number() over (partition by e.category order by e.at desc) as nth
          from issue_events e where ${figure('resolved', scope, p)} and e.details->>'report' is null) r
        where r.nth <= ${ANSWERS_COMPARED}),
      alike as (select a.category, a.note, 1 + count(b.id) as alike from answers a
        join answers b on b.category = a.category and b.id <> a.id and a.norm <> '' and similarity(a.norm, b.norm) >= ${SAME_ANSWER}
        group by a.id, a.category, a.note)
      select distinct on (category) category, alike, note as example from alike where alike >= 3 order by category, alike desc`),
  ]);
  return {
    deflected: deflected.map((r) => ({ category: r.category, count: Number(r.n) })),
    filed: filed.map((r) => ({ category: r.category, count: Number(r.n) })),
    sameAnswer: sameAnswer.map((r) => ({ category: r.category, alike: Number(r.alike), example: r.example })).sort((a, b) => b.alike - a.alike),
  };
}
