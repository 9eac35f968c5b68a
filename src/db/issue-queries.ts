import { and, asc, count, desc, eq, inArray, isNull, sql, type SQL } from 'drizzle-orm';
import type { Issue } from '../domain/issue/issue.js';
import type { Db } from './client.js';
import { toIssue } from './issue-store.js';
import { issues } from './schema.js';
import { statusIs } from './status-literal.js';

/** A list and its full length, for "and N more". */
export interface Page {
  rows: Issue[];
  total: number;
}

async function page(db: Db, where: SQL, order: SQL[], limit: number): Promise<Page> {
  const [rows, [total]] = await Promise.all([
    db.select().from(issues).where(where).orderBy(...order).limit(limit),
    db.select({ n: count() }).from(issues).where(where),
  ]);
  return { rows: rows.map(toIssue), total: total!.n };
}

/** A swarm is one piece of work: its reports follow the parent, so experts' lists show the parent only. */
const notAReport = isNull(issues.parentId);

/** Issues this person works on now, the next resolution deadline first (waiting ones last: their clock is paused). */
export const claimedBy = (db: Db, userId: string, limit: number) =>
  page(db, and(eq(issues.claimerId, userId), inArray(issues.status, ['claimed', 'waiting']), notAReport)!,
    [sql`${issues.status} = 'waiting'`, asc(issues.resolveDueAt)], limit);

/** The unclaimed queue of these teams, the next acknowledgement deadline first. */
export const unclaimedIn = (db: Db, teams: string[], limit: number): Promise<Page> =>
  teams.length === 0
    ? Promise.resolve({ rows: [], total: 0 })
    : page(db, and(inArray(issues.team, teams), statusIs(issues.status, 'unclaimed'), notAReport)!, [asc(issues.ackDueAt)], limit);

/** What this agent escalated: open ones by urgency, then the most recently resolved. */
export const escalatedBy = (db: Db, userId: string, limit: number) =>
  page(db, eq(issues.agentId, userId),
    [sql`${issues.status} = 'resolved'`, asc(issues.resolveDueAt), desc(issues.resolvedAt)], limit);

export async function findByKey(db: Db, key: string): Promise<Issue | undefined> {
  const [row] = await db.select().from(issues).where(eq(issues.key, key));
  return row && toIssue(row);
}

export async function findByCard(db: Db, channel: string, ts: string): Promise<Issue | undefined> {
  const [row] = await db.select().from(issues).where(and(eq(issues.channel, channel), eq(issues.cardTs, ts)));
  return row && toIssue(row);
}

/** How many issues are in each status now, for /metrics. */
export async function countByStatus(db: Db): Promise<Array<{ status: string; n: number }>> {
  return db.select({ status: issues.status, n: count() }).from(issues).groupBy(issues.status);
}
