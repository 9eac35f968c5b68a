import { and, eq, isNull, lt } from 'drizzle-orm';
import type { Issue } from '../domain/issue/issue.js';
import type { Db, Tx } from './client.js';
import { toIssue } from './issue-store.js';
import { idempotencyKeys, issues } from './schema.js';

/**
 * Slack requests already acted on: filings (trigger_id, view id), clicks
 * (action_ts and user), forms (view id and user) and events (event_id). Slack
 * retries, people double-click, and a signed request can be replayed for 5
 * minutes; each of these must act once.
 */

/** True when `key` was recorded by an earlier request. */
export async function requestSeen(tx: Tx | Db, key: string): Promise<boolean> {
  const rows = await tx.select({ key: idempotencyKeys.key }).from(idempotencyKeys).where(eq(idempotencyKeys.key, key));
  return rows.length > 0;
}

/**
 * Records `key` for this request. Returns false when it was already recorded:
 * the request is a retry, a replay or a double submission, and must change nothing.
 */
export async function rememberRequest(tx: Tx, key: string, at: Date): Promise<boolean> {
  const rows = await tx
    .insert(idempotencyKeys)
    .values({ key, createdAt: at })
    .onConflictDoNothing()
    .returning({ key: idempotencyKeys.key });
  return rows.length === 1;
}

/**
 * Forgets request keys that belong to no issue (event ids, clicks, forms) once
 * older than `before`: Slack retries within minutes and a signed request is
 * refused after 5, so a day of memory is plenty. Keys that filed an issue stay,
 * as the record of which request filed it.
 */
export async function forgetOldRequests(db: Db, before: Date): Promise<number> {
  const gone = await db.delete(idempotencyKeys)
    .where(and(isNull(idempotencyKeys.issueId), lt(idempotencyKeys.createdAt, before)))
    .returning({ key: idempotencyKeys.key });
  return gone.length;
}

export async function linkRequest(tx: Tx, key: string, issueId: number): Promise<void> {
  await tx.update(idempotencyKeys).set({ issueId }).where(eq(idempotencyKeys.key, key));
}

export async function issueForRequest(db: Db | Tx, key: string): Promise<Issue | undefined> {
  const [row] = await db
    .select({ issue: issues })
    .from(idempotencyKeys)
    .innerJoin(issues, eq(issues.id, idempotencyKeys.issueId))
    .where(eq(idempotencyKeys.key, key));
  return row && toIssue(row.issue);
}
