import { desc, eq } from 'drizzle-orm';
import type { Tx, Db } from './client.js';
import { digestSlots } from './schema.js';

/** The latest slot of a digest that any instance has handled (sent or skipped). */
export async function lastHandledSlot(db: Db, digest: string): Promise<Date | undefined> {
  const [last] = await db.select({ slotAt: digestSlots.slotAt }).from(digestSlots)
    .where(eq(digestSlots.digest, digest)).orderBy(desc(digestSlots.slotAt)).limit(1);
  return last?.slotAt;
}

/**
 * Claims one slot of a digest. The (digest, slot) key is unique, so of several
 * instances exactly one gets true; the others find the row there already.
 */
export async function claimSlot(tx: Tx, slot: { digest: string; slotAt: Date; sent: boolean; late: boolean }, now: Date): Promise<boolean> {
  const claimed = await tx.insert(digestSlots).values({ ...slot, claimedAt: now }).onConflictDoNothing().returning({ digest: digestSlots.digest });
  return claimed.length === 1;
}
