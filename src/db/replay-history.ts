import { sql } from 'drizzle-orm';
import type { Calendar } from '../domain/calendar.js';
import type { HistoricIssue } from '../domain/replay.js';
import type { Level } from '../domain/routing/matrix.js';
import { rowsOf, type Db } from './client.js';


const iso = (d: Date) => sql`${d.toISOString()}::timestamptz`;

interface Row {
  key: string;
  summary: string;
  details: string | null;
  category: string;
  origin: string;
  filed_ms: number | string;
  chosen: string | null;
  level: string;
  calendar: string;
  team: string | null;
  claimed_ms: number | string | null;
  resolved_ms: number | string | null;
  /** Waits on the customer: `paused:ms` and `resumed:ms`, in timeline order. */
  waits: string | null;
}

/**
 * Every issue filed in [from, to), with what a replay needs: its original facts,
 * where it was routed and on which level and calendar, and from its timeline
 * its first claim, first resolution and its waits on the customer. One query:
 * the timeline is folded in SQL to one row per issue, times come as epoch
 * milliseconds, and the level and calendar as text, each distinct one parsed
 * once (a year of issues shares a handful).
 */
export async function historyBetween(db: Db, from: Date, to: Date): Promise<HistoricIssue[]> {
  const filed = sql`i.filed_at >= ${iso(from)} and i.filed_at < ${iso(to)}`;
  const epoch = (column: ReturnType<typeof sql>) => sql`(extract(epoch from ${column}) * 1000)::float8`;
  const found = await rowsOf<Row>(db, sql`
    with timeline as (
      select e.issue_id,
        min(e.details->>'team') filter (where e.type = 'routed') as team,
        min(e.at) filter (where e.type = 'claimed') as claimed_at,
        min(e.at) filter (where e.type = 'resolved') as resolved_at,
        string_agg(e.type || ':' || ${epoch(sql`e.at`)}::text, ',' order by e.id) filter (where e.type in ('paused', 'resumed')) as waits
      from issue_events e
      where e.type in ('routed', 'claimed', 'resolved', 'paused', 'resumed') and e.issue_id in (select i.id from issues i where ${filed})
      group by e.issue_id)
    select i.key, i.summary, i.details, i.category, i.origin, ${epoch(sql`i.filed_at`)} as filed_ms,
      i.snapshot->>'chosenLevel' as chosen, i.snapshot->>'level' as level, i.snapshot->>'calendar' as calendar,
      t.team, ${epoch(sql`t.claimed_at`)} as claimed_ms, ${epoch(sql`t.resolved_at`)} as resolved_ms, t.waits
    from issues i left join timeline t on t.issue_id = i.id
    where ${filed} order by i.id`);
  const parsed = new Map<string, unknown>();
  const once = <T>(text: string): T => (parsed.get(text) ?? parsed.set(text, JSON.parse(text)).get(text)) as T;
  return found.map((r) => {
    const level = once<Level>(r.level);
    const resolvedAt = r.resolved_ms === null ? null : new Date(Number(r.resolved_ms));
    return {
      key: r.key, summary: r.summary, details: r.details, category: r.category, chosenLevel: r.chosen ?? level.key, origin: r.origin,
      filedAt: new Date(Number(r.filed_ms)), team: r.team ?? '', level, calendar: once<Calendar>(r.calendar),
      claimedAt: r.claimed_ms === null ? null : new Date(Number(r.claimed_ms)), resolvedAt, pauses: waitsOf(r.waits, resolvedAt),
    };
  });
}

/** `paused:ms,resumed:ms,...` as intervals; a wait still running (or ended by the resolution) is open-ended. */
function waitsOf(text: string | null, resolvedAt: Date | null): HistoricIssue['pauses'] {
  const pauses: HistoricIssue['pauses'] = [];
  for (const item of text?.split(',') ?? []) {
    const [type, ms] = item.split(':');
    const at = new Date(Number(ms));
    if (type === 'paused' && (!resolvedAt || at < resolvedAt)) pauses.push({ from: at, to: null });
    else if (type === 'resumed' && pauses.at(-1)?.to === null) pauses.at(-1)!.to = at;
  }
  return pauses;
}
