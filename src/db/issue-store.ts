import { and, eq, isNull, lt } from 'drizzle-orm';
import type { Db, Tx } from './client.js';
import { idempotencyKeys, issueEvents, issues, type IssueRow } from './schema.js';

export type NewIssue = Omit<typeof issues.$inferInsert, 'id' | 'key'>;
/** The snapshot changes only when a reroute hands the issue to another team's owners and chain. */
export type IssuePatch = Partial<Omit<NewIssue, 'filedAt'>>;

export const EVENT_TYPES = [
  'filed', 'routed', 'posted', 'post_failed', 'claimed', 'unclaimed', 'first_response', 'rerouted',
  'paused', 'resumed', 'nudged', 'escalated', 'resolved', 'reopened', 'delivery_failed',
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

export async function insertIssue(tx: Tx, values: NewIssue): Promise<IssueRow> {
  const [row] = await tx.insert(issues).values(values).returning();
  return row!;
}

export async function findIssue(db: Db | Tx, id: number): Promise<IssueRow | undefined> {
  const [row] = await db.select().from(issues).where(eq(issues.id, id));
  return row;
}

/** Locks the issue row for the rest of the transaction, so concurrent claims and resolves serialise. */
export async function lockIssue(tx: Tx, id: number): Promise<IssueRow | undefined> {
  const [row] = await tx.select().from(issues).where(eq(issues.id, id)).for('update');
  return row;
}

export async function updateIssue(tx: Tx | Db, id: number, patch: IssuePatch): Promise<IssueRow> {
  const [row] = await tx.update(issues).set(patch).where(eq(issues.id, id)).returning();
  return row!;
}

export async function appendEvent(
  tx: Tx | Db,
  issueId: number,
  type: EventType,
  actor: string | null,
  at: Date,
  details: Record<string, unknown> = {},
): Promise<void> {
  await tx.insert(issueEvents).values({ issueId, type, actor, at, details });
}

export async function eventsOf(db: Db, issueId: number) {
  return db.select().from(issueEvents).where(eq(issueEvents.issueId, issueId)).orderBy(issueEvents.id);
}

/**
 * Records `key` for this request. Returns false when it was already recorded:
 * the request is a retry or a double submission and must change nothing.
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
 * Forgets request keys that belong to no issue (Slack event ids) once older than
 * `before`: Slack retries within minutes, so a day of memory is plenty. Keys
 * that filed an issue stay, as the record of which request filed it.
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

export async function issueForRequest(db: Db | Tx, key: string): Promise<IssueRow | undefined> {
  const [row] = await db
    .select({ issue: issues })
    .from(idempotencyKeys)
    .innerJoin(issues, eq(issues.id, idempotencyKeys.issueId))
    .where(eq(idempotencyKeys.key, key));
  return row?.issue;
}
