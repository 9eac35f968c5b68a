import { sql } from 'drizzle-orm';
import { rowsOf, type Db } from './client.js';
import { deflections } from './schema.js';

/** A resolved escalation shown in the form as "this was answered before". */
export interface PastAnswer {
  key: string;
  summary: string;
  resolution: string;
  cardUrl: string | null;
}

export const ANSWERS_WINDOW_DAYS = 90;
/** Below this trigram similarity, a past summary is not "like" what the agent typed. */
const ALIKE = 0.15;
const STATEMENT_TIMEOUT_MS = 1_000;

/**
 * Up to `limit` resolutions of this category from the last 90 days: the ones
 * most like `text` (compared as swarms compare summaries), or the most recent
 * when the agent has typed nothing yet. Reads issues_answers_idx.
 */
export async function pastAnswers(db: Db, category: string, text: string | undefined, now: Date, limit: number): Promise<PastAnswer[]> {
  const since = new Date(now.getTime() - ANSWERS_WINDOW_DAYS * 86_400_000).toISOString();
  const recent = sql`from issues i where i.category = ${category} and i.status = 'resolved' and i.parent_id is null and i.resolved_at >= ${since}::timestamptz`;
  const columns = sql`i.key, i.summary, i.resolution, i.card_url as "cardUrl"`;
  // The form waits for this no longer than a second; the database should not keep working on it either.
  const rows = await db.transaction(async (tx) => {
    await tx.execute(sql`set local statement_timeout = ${sql.raw(String(STATEMENT_TIMEOUT_MS))}`);
    return text?.trim()
      ? rowsOf<PastAnswer & { score: number }>(tx, sql`select * from (
          select ${columns}, i.resolved_at, similarity(swarm_norm(i.summary), swarm_norm(${text})) as score ${recent}) a
          where a.score >= ${ALIKE} order by a.score desc, a.resolved_at desc limit ${limit}`)
      : rowsOf<PastAnswer>(tx, sql`select ${columns} ${recent} order by i.resolved_at desc limit ${limit}`);
  });
  return rows.map(({ key, summary, resolution, cardUrl }) => ({ key, summary, resolution, cardUrl }));
}

/** Records a deflection once per form; false when this form was already counted (Slack repeats itself). */
export async function recordDeflection(db: Db, row: typeof deflections.$inferInsert): Promise<boolean> {
  const inserted = await db.insert(deflections).values(row).onConflictDoNothing().returning({ viewId: deflections.viewId });
  return inserted.length > 0;
}
