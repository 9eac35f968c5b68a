import { and, asc, eq, gte, inArray, lt, sql } from 'drizzle-orm';
import type { Db } from './client.js';
import { enqueue } from './outbox-store.js';
import { issueEvents, issues, outbox } from './schema.js';

/**
 * Customer data lives in a few columns (summary, details, the customer
 * reference, notes written for the customer) and in the event and outbox
 * details that quote them. Erasing replaces that text in place, so every
 * figure (counts, times, lateness) stays; exporting reads issues with their
 * timelines.
 */

export const ERASED = '[erased]';

/** Keys of event and message details that hold text people wrote about the customer. */
const TEXT_KEYS = ['note', 'question', 'answer', 'reason', 'previousResolution', 'summary'];

const eraseKeys = (column: ReturnType<typeof sql.raw>) => sql`(select coalesce(jsonb_object_agg(k, case when k in (${sql.join(TEXT_KEYS.map((k) => sql`${k}`), sql`, `)}) and jsonb_typeof(v) = 'string' then to_jsonb(${ERASED}::text) else v end), '{}'::jsonb) from jsonb_each(${column}) as t(k, v))`;

export type ForgetTarget = { customerRef: string } | { issueKey: string };

/**
 * Erases the customer's text from every issue of `target`, records that it did
 * on each issue's timeline, and returns the keys erased. One transaction.
 */
export async function forgetCustomer(db: Db, target: ForgetTarget, now: Date): Promise<string[]> {
  return db.transaction(async (tx) => {
    const where = 'customerRef' in target
      ? sql`lower(btrim(${issues.customerRef})) = lower(btrim(${target.customerRef}))`
      : eq(issues.key, target.issueKey.toUpperCase());
    const found = await tx.update(issues).set({
      summary: ERASED,
      details: sql`case when ${issues.details} is null then null else ${ERASED} end`,
      customerRef: sql`case when ${issues.customerRef} is null then null else ${ERASED} end`,
      resolution: sql`case when ${issues.resolution} is null then null else ${ERASED} end`,
      responseUrl: null,
      updatedAt: now,
    }).where(where).returning({
      id: issues.id, key: issues.key, team: issues.team, category: issues.category, level: issues.level, origin: issues.origin, channel: issues.channel,
    });
    if (found.length === 0) return [];
    const ids = found.map((f) => f.id);
    await tx.update(issueEvents).set({ details: eraseKeys(sql.raw('issue_events.details')) }).where(inArray(issueEvents.issueId, ids));
    await tx.update(outbox).set({ payload: eraseKeys(sql.raw('outbox.payload')) }).where(inArray(outbox.issueId, ids));
    await tx.insert(issueEvents).values(found.map((f) => ({
      issueId: f.id, team: f.team, category: f.category, level: f.level, origin: f.origin, type: 'erased' as const, actor: null, at: now,
      details: { fields: ['summary', 'details', 'customer reference', 'notes'] },
    })));
    // Cards in Slack show the summary: each is rendered again from the erased issue, by the bot's outbox.
    // Also where no card is recorded yet: one may be on its way to Slack, rendered before this erasure;
    // the update goes behind it in its channel (and is skipped if no card was ever posted).
    await enqueue(tx, now, ...found.map((f) => ({ kind: 'update_card' as const, issueId: f.id, channel: f.channel })));
    return found.sort((a, b) => a.id - b.id).map((f) => f.key);
  });
}

export interface ExportedIssue {
  key: string;
  filedAt: string;
  team: string;
  category: string;
  level: string;
  origin: string;
  status: string;
  summary: string;
  details: string | null;
  customerRef: string | null;
  agentId: string;
  claimedBy: string | null;
  claimedAt: string | null;
  resolvedBy: string | null;
  resolvedAt: string | null;
  resolution: string | null;
  parent: string | null;
  timeline: Array<{ type: string; actor: string | null; at: string; details: Record<string, unknown> }>;
}

/** Issues filed in [from, to), oldest first, each with its timeline: read a page of issues at a time. */
export async function* exportIssues(db: Db, from: Date, to: Date, pageSize = 1000): AsyncGenerator<ExportedIssue> {
  let after = 0;
  for (;;) {
    const page = await db.select().from(issues)
      .where(and(gte(issues.filedAt, from), lt(issues.filedAt, to), sql`${issues.id} > ${after}`))
      .orderBy(asc(issues.id)).limit(pageSize);
    if (page.length === 0) return;
    const events = await db.select().from(issueEvents).where(inArray(issueEvents.issueId, page.map((i) => i.id))).orderBy(asc(issueEvents.issueId), asc(issueEvents.id));
    for (const i of page) {
      yield {
        key: i.key, filedAt: i.filedAt.toISOString(), team: i.team, category: i.category, level: i.level, origin: i.origin, status: i.status,
        summary: i.summary, details: i.details, customerRef: i.customerRef, agentId: i.agentId,
        claimedBy: i.claimerId, claimedAt: i.claimedAt?.toISOString() ?? null, resolvedBy: i.resolvedBy, resolvedAt: i.resolvedAt?.toISOString() ?? null,
        resolution: i.resolution, parent: i.parentId ? `ESC-${i.parentId}` : null,
        timeline: events.filter((e) => e.issueId === i.id).map((e) => ({ type: e.type, actor: e.actor, at: e.at.toISOString(), details: e.details })),
      };
    }
    after = page.at(-1)!.id;
  }
}
