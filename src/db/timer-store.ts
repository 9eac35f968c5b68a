import { and, eq, gt, inArray, isNull, lt, lte, or, sql } from 'drizzle-orm';
import type { PlannedTimer } from '../domain/escalation-plan.js';
import type { Issue } from '../domain/issue/issue.js';
import type { StoredTimer } from '../domain/issue/timers.js';
import type { Db, Tx } from './client.js';
import { timers, type TimerRow, type TimerStatus } from './schema.js';

/**
 * Replaces the issue's pending timers with `plan`, stamped with the issue's
 * fence (storeChange raises it and saves it with the issue).
 */
export async function replaceTimers(tx: Tx, issue: Issue, plan: PlannedTimer[], options: { cancelOld: boolean }): Promise<void> {
  if (options.cancelOld) await tx.update(timers).set({ status: 'cancelled' }).where(and(eq(timers.issueId, issue.id), eq(timers.status, 'pending')));
  if (plan.length) await tx.insert(timers).values(plan.map((p) => ({ ...p, issueId: issue.id, fence: issue.clockFence })));
}

/**
 * Claims due timers. FOR UPDATE SKIP LOCKED lets instances claim side by side
 * without taking the same row; the lease hands a crashed instance's timers to
 * the others once it expires. `<=`: a timer due exactly now is due.
 */
export async function claimDueTimers(db: Db, now: Date, limit: number, leaseMs: number): Promise<TimerRow[]> {
  return db.transaction(async (tx) => {
    const due = await tx
      .select({ id: timers.id })
      .from(timers)
      .where(and(eq(timers.status, 'pending'), lte(timers.dueAt, now), or(isNull(timers.lockedUntil), lt(timers.lockedUntil, now))))
      .orderBy(timers.dueAt)
      .limit(limit)
      .for('update', { skipLocked: true });
    if (due.length === 0) return [];
    return tx
      .update(timers)
      .set({ lockedUntil: new Date(now.getTime() + leaseMs) })
      .where(inArray(timers.id, due.map((d) => d.id)))
      .returning();
  });
}

/** Settles timers inside the transaction that acted on them, so a timer is done exactly when its messages are queued. */
export async function settleTimers(tx: Tx, ids: number[], status: TimerStatus, now: Date): Promise<void> {
  if (ids.length === 0) return;
  await tx.update(timers).set({ status, firedAt: now, lockedUntil: null }).where(inArray(timers.id, ids));
}

/** Moves timers to a later time (a nudge waiting for the claimer's working hours), free for any instance to claim then. */
export async function postponeTimers(tx: Tx, ids: number[], until: Date): Promise<void> {
  if (ids.length === 0) return;
  await tx.update(timers).set({ dueAt: until, lockedUntil: null }).where(inArray(timers.id, ids));
}

/** The issue's timers that are due and not yet settled, whoever claimed them; read under the issue's row lock. */
export async function dueTimersOf(tx: Tx | Db, issueId: number, now: Date): Promise<StoredTimer[]> {
  return tx.select({ id: timers.id, kind: timers.kind, target: timers.target, step: timers.step, dueAt: timers.dueAt, fence: timers.fence })
    .from(timers)
    .where(and(eq(timers.issueId, issueId), eq(timers.status, 'pending'), lte(timers.dueAt, now)))
    .orderBy(timers.dueAt);
}

export async function countDueTimers(db: Db, now: Date): Promise<number> {
  const [row] = await db.select({ n: sql<number>`count(*)::int` }).from(timers).where(and(eq(timers.status, 'pending'), lte(timers.dueAt, now)));
  return row!.n;
}

/**
 * When the next pending timer still ahead of `now` falls due (timers_due_idx:
 * one index probe). Overdue timers are the sweep's to pick up: some may be
 * leased to another instance right now.
 */
export async function nextDueTimer(db: Db, now: Date): Promise<Date | undefined> {
  const [row] = await db.select({ at: sql<Date | string | null>`min(${timers.dueAt})` }).from(timers)
    .where(and(eq(timers.status, 'pending'), gt(timers.dueAt, now)));
  return row?.at ? new Date(row.at) : undefined;
}
