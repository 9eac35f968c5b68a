import { and, asc, desc, eq, isNull, ne, or, sql } from 'drizzle-orm';
import type { Issue } from '../domain/issue/issue.js';
import { rowsOf, type Db, type Tx } from './client.js';
import { toIssue } from './issue-store.js';
import { issues } from './schema.js';
import { statusIsNot } from './status-literal.js';

/**
 * Swarms in the database: finding the open issue a new escalation resembles,
 * and reading a parent's reports. Similarity is pg_trgm's, computed where the
 * rows are: only the best candidate's id and score leave the database.
 */


/**
 * Two escalations are compared by their summaries, normalised by swarm_norm
 * (migration 0006): details (device models, order numbers) only dilute the score.
 * See README "Swarms" for how this was chosen and how precise it is.
 */
const SCORE = (summary: string) => sql`similarity(swarm_norm(i.summary), swarm_norm(${summary}))`;

/**
 * Filings of one team that may join a swarm take turns, to commit: two
 * instances filing the same outage at once would otherwise each find nothing
 * and post two cards. Held until the transaction ends.
 */
export async function takeSwarmTurn(tx: Tx, team: string): Promise<void> {
  await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`frontline:swarm:${team}`}))`);
}

export interface SwarmQuery {
  team: string;
  category: string;
  /** The route that routed the new escalation, when it matched by text: issues it routed are candidates too. */
  textRoute: number | null;
  summary: string;
  /** Only issues filed since then. */
  since: Date;
  minScore: number;
}

/**
 * The open issue the new escalation most resembles, among the team's parents and
 * reports filed within the window (a report's own wording counts: the swarm's
 * parent is returned). Same category, or routed by the same text pattern.
 * Uses issues_open_team_idx: the candidates are the team's open issues.
 */
export async function findSwarmMatch(tx: Tx | Db, q: SwarmQuery): Promise<{ parentId: number; score: number } | undefined> {
  const sameRoute = q.textRoute === null ? sql`false` : sql`(i.snapshot->>'routeIndex')::int = ${q.textRoute}`;
  const [best] = await rowsOf<{ parent_id: number; score: number }>(tx, sql`select coalesce(i.parent_id, i.id) as parent_id, ${SCORE(q.summary)} as score
    from issues i
    where i.team = ${q.team} and i.status <> 'resolved' and i.filed_at >= ${q.since.toISOString()}::timestamptz
      and (i.category = ${q.category} or ${sameRoute})
      and ${SCORE(q.summary)} >= ${q.minScore}
    order by score desc, i.id limit 1`);
  return best && { parentId: Number(best.parent_id), score: Number(best.score) };
}

/** A parent's reports, locked: they change with it, in its transaction. */
export async function lockReports(tx: Tx, parentId: number): Promise<Issue[]> {
  const found = await tx.select().from(issues).where(eq(issues.parentId, parentId)).orderBy(asc(issues.id)).for('update');
  return found.map(toIssue);
}

/** The parent and its reports filed since `since`: what the outage threshold counts. */
export async function swarmSizeSince(tx: Tx, parent: Issue, since: Date): Promise<number> {
  const [row] = await rowsOf<{ n: unknown }>(tx, sql`select count(*) as n from issues
    where (id = ${parent.id} or parent_id = ${parent.id}) and filed_at >= ${since.toISOString()}::timestamptz`);
  return Number(row?.n ?? 0);
}

/** Who a swarm affects, for its card: customers (the parent and each report), agents, and origins. */
export interface SwarmSummary {
  customers: number;
  agents: number;
  origins: Array<{ origin: string; count: number }>;
}

export async function swarmSummary(db: Db | Tx, parentId: number): Promise<SwarmSummary> {
  const found = await db.select({ origin: issues.origin, agentId: issues.agentId, customerRef: issues.customerRef }).from(issues)
    .where(or(eq(issues.id, parentId), eq(issues.parentId, parentId)));
  const origins = new Map<string, number>();
  for (const r of found) origins.set(r.origin, (origins.get(r.origin) ?? 0) + 1);
  return {
    customers: countCustomers(found),
    agents: new Set(found.map((r) => r.agentId)).size,
    origins: [...origins].map(([origin, count]) => ({ origin, count })).sort((a, b) => b.count - a.count || a.origin.localeCompare(b.origin)),
  };
}

/** One customer per report, except that reports naming the same customer reference are one customer. */
export function countCustomers(reports: Array<{ customerRef: string | null }>): number {
  const named = new Set(reports.filter((r) => r.customerRef).map((r) => r.customerRef!.trim().toLowerCase()));
  return named.size + reports.filter((r) => !r.customerRef).length;
}

/** Open swarms and their reports now, for /metrics. */
export async function openSwarms(db: Db): Promise<{ swarms: number; reports: number }> {
  const [row] = await rowsOf<{ swarms: unknown; reports: unknown }>(db, sql`select count(*) as swarms, coalesce(sum(report_count), 0) as reports
    from issues where report_count > 0 and status <> 'resolved'`);
  return { swarms: Number(row?.swarms ?? 0), reports: Number(row?.reports ?? 0) };
}

/** What an issue may be linked to by hand: the team's other open issues that are not reports, the latest first. */
export async function linkCandidates(db: Db, issue: Issue, limit: number): Promise<Issue[]> {
  const found = await db.select().from(issues)
    .where(and(eq(issues.team, issue.team), statusIsNot(issues.status, 'resolved'), isNull(issues.parentId), ne(issues.id, issue.id)))
    .orderBy(desc(issues.id)).limit(limit);
  return found.map(toIssue);
}

/** This agent's report in a parent's swarm, if they have one: their answer in the parent's thread speaks for it. */
export async function reportBy(db: Db, parentId: number, agentId: string): Promise<Issue | undefined> {
  const [row] = await db.select().from(issues).where(and(eq(issues.parentId, parentId), eq(issues.agentId, agentId))).limit(1);
  return row && toIssue(row);
}
