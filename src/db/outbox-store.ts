import { and, eq, inArray, isNull, lt, lte, or, sql } from 'drizzle-orm';
import type { Db, Tx } from './client.js';
import { outbox, type OutboxRow } from './schema.js';

export interface OutboxMessage {
  issueId: number | null;
  kind: string;
  payload?: Record<string, unknown>;
  lane: string;
}

/** Kinds where one unsent message already covers any later one: they are rendered from current state. */
const COALESCING = new Set(['publish_home']);

export async function enqueue(tx: Tx | Db, now: Date, ...messages: OutboxMessage[]): Promise<void> {
  const plain = messages.filter((m) => !COALESCING.has(m.kind));
  if (plain.length) {
    await tx.insert(outbox).values(plain.map((m) => ({ ...m, payload: m.payload ?? {}, availableAt: now, createdAt: now })));
  }
  for (const m of messages.filter((m) => COALESCING.has(m.kind))) {
    // Skip when the same message waits unsent and not yet taken: it will show this change too.
    await tx.execute(sql`insert into outbox (issue_id, kind, payload, lane, available_at, created_at)
      select ${m.issueId}::integer, ${m.kind}, ${JSON.stringify(m.payload ?? {})}::jsonb, ${m.lane},
        ${now.toISOString()}::timestamptz, ${now.toISOString()}::timestamptz
      where not exists (select 1 from outbox where lane = ${m.lane} and kind = ${m.kind}
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
