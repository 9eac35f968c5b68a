import { sql } from 'drizzle-orm';
import type { Calendar } from '../domain/calendar.js';
import type { HistoricIssue } from '../domain/replay.js';
import type { Level } from '../domain/routing/matrix.js';
import type { Db } from './client.js';

/** postgres.js returns rows as an array, PGlite as `{ rows }`. */
async function rows<T>(db: Db, query: ReturnType<typeof sql>): Promise<T[]> {
  const result = (await db.execute(query)) as unknown as T[] | { rows: T[] };
  return Array.isArray(result) ? result : result.rows;
}

const iso = (d: Date) => sql`${d.toISOString()}::timestamptz`;

/**
 * Every issue filed in [from, to), with what a replay needs: its original facts,
 * where it was routed and on which level and calendar, and from its timeline
 * its first claim, first resolution and its waits on the customer. Two queries,
 * each one pass: the issues, then their events in issue order.
 */
export async function historyBetween(db: Db, from: Date, to: Date): Promise<HistoricIssue[]> {
  const filed = sql`i.filed_at >= ${iso(from)} and i.filed_at < ${iso(to)}`;
  const [issueRows, eventRows] = await Promise.all([
    rows<{ id: number; key: string; summary: string; details: string | null; category: string; origin: string; filed_at: string | Date; chosen: string; level: Level; calendar: Calendar }>(db, sql`
      select i.id, i.key, i.summary, i.details, i.category, i.origin, i.filed_at,
        i.snapshot->>'chosenLevel' as chosen, i.snapshot->'level' as level, i.snapshot->'calendar' as calendar
      from issues i where ${filed} order by i.id`),
    rows<{ issue_id: number; type: string; at: string | Date; team: string | null }>(db, sql`
      select e.issue_id, e.type, e.at, e.details->>'team' as team from issue_events e
      where e.type in ('routed', 'claimed', 'resolved', 'paused', 'resumed')
        and e.issue_id in (select i.id from issues i where ${filed})
      order by e.issue_id, e.id`),
  ]);
  const byId = new Map<number, HistoricIssue>();
  for (const r of issueRows) {
    const level = typeof r.level === 'string' ? (JSON.parse(r.level) as Level) : r.level;
    const calendar = typeof r.calendar === 'string' ? (JSON.parse(r.calendar) as Calendar) : r.calendar;
    byId.set(Number(r.id), {
      key: r.key, summary: r.summary, details: r.details, category: r.category, chosenLevel: r.chosen ?? level.key, origin: r.origin,
      filedAt: new Date(r.filed_at), team: '', level, calendar, claimedAt: null, resolvedAt: null, pauses: [],
    });
  }
  for (const e of eventRows) {
    const issue = byId.get(Number(e.issue_id));
    if (!issue) continue;
    const at = new Date(e.at);
    if (e.type === 'routed' && !issue.team) issue.team = e.team ?? '';
    else if (e.type === 'claimed') issue.claimedAt ??= at;
    else if (e.type === 'resolved') issue.resolvedAt ??= at;
    else if (e.type === 'paused' && !issue.resolvedAt) issue.pauses.push({ from: at, to: null });
    else if (e.type === 'resumed' && issue.pauses.at(-1)?.to === null) issue.pauses.at(-1)!.to = at;
  }
  return [...byId.values()];
}
