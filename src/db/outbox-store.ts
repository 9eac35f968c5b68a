import { and, eq, inArray, isNull, lt, lte, or, sql } from 'drizzle-orm';
import { COALESCING, issueOf, laneOf, payloadOf, type OutboxMessage } from '../domain/outbox-message.js';
import type { Db, Tx } from './client.js';
import { outbox, type OutboxRow } from './schema.js';

/** Queues messages to be sent after the transaction commits, each in its lane. */
export async function enqueue(tx: Tx | Db, now: Date, ...messages: OutboxMessage[]): Promise<void> {
  const rows = messages.map((m) => ({ issueId: issueOf(m), kind: m.kind, payload: payloadOf(m), lane: laneOf(m) }));
  const plain = rows.filter((r) => !COALESCING.has(r.kind));
  if (plain.length) await tx.insert(outbox).values(plain.map((r) => ({ ...r, availableAt: now, createdAt: now })));
  for (const r of rows.filter((r) => COALESCING.has(r.kind))) {
    // Skip when the same message waits unsent and not yet taken: it will show this change too.
    await tx.execute(sql`insert into outbox (issue_id, kind, payload, lane, available_at, created_at)
      select ${r.issueId}::integer, ${r.kind}, ${JSON.stringify(r.payload)}::jsonb, ${r.lane},
        ${now.toISOString()}::timestamptz, ${now.toISOString()}::timestamptz
      where not exists (select 1 from outbox where lane = ${r.lane} and kind = ${r.kind}
        and status = 'pending' and locked_until is null)`);
  }
}

/**
 * Claims due messages for sending: only the oldest unsent message of each lane,
 * so one channel's messages go out in order. FOR UPDATE SKIP LOCKED lets several
 * instances claim side by side without taking the same row; the lease
 * (locked_until) hands a crashed instance's claims to the others once it expires.
 */
export async function claimDue(db: Db, now: Date, limit: number, leaseMs: number): Promise<OutboxRow[]> {
  return db.transaction(async (tx) => {
    const due = await tx
      .select({ id: outbox.id })
      .from(outbox)
      .where(
        and(
          eq(outbox.status, 'pending'),
          lte(outbox.availableAt, now),
          or(isNull(outbox.lockedUntil), lt(outbox.lockedUntil, now)),
          sql`not exists (select 1 from outbox earlier where earlier.lane = ${outbox.lane}
                and earlier.status = 'pending' and earlier.id < ${outbox.id})`,
        ),
      )
      .orderBy(outbox.id)
      .limit(limit)
      .for('update', { of: outbox, skipLocked: true });
    if (due.length === 0) return [];
    return tx
      .update(outbox)
      .set({ lockedUntil: new Date(now.getTime() + leaseMs), attempts: sql`${outbox.attempts} + 1` })
      .where(inArray(outbox.id, due.map((d) => d.id)))
      .returning();
  });
}

export async function markSent(db: Db | Tx, id: number, now: Date): Promise<void> {
  await db.update(outbox).set({ status: 'sent', sentAt: now, lockedUntil: null }).where(eq(outbox.id, id));
}

export async function retryLater(db: Db, id: number, at: Date, error: string): Promise<void> {
  await db.update(outbox).set({ availableAt: at, lockedUntil: null, lastError: error }).where(eq(outbox.id, id));
}

export async function markFailed(db: Db | Tx, id: number, error: string): Promise<void> {
  await db.update(outbox).set({ status: 'failed', lockedUntil: null, lastError: error }).where(eq(outbox.id, id));
}

export async function pendingCount(db: Db): Promise<number> {
  const [row] = await db.select({ n: sql<number>`count(*)::int` }).from(outbox).where(eq(outbox.status, 'pending'));
  return row!.n;
}
