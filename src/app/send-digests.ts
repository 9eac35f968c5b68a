import { desc, eq } from 'drizzle-orm';
import { decideSlot, lastSlots } from '../domain/digest-schedule.js';
import type { Digest } from '../domain/routing/matrix.js';
import { enqueue } from '../db/outbox-store.js';
import { digestSlots } from '../db/schema.js';
import type { AppContext } from './context.js';
import { isUserId } from '../domain/slack-ids.js';

/** Where a digest goes: a user's DM or a channel, in its own ordered outbox lane. */
const digestLane = (digest: Digest) => (isUserId(digest.to) ? `user:${digest.to}` : digest.to);

/**
 * Sends each digest whose slot has come, once across all instances: inserting
 * the (digest, slot) row claims it, and the outbox message is queued in the same
 * transaction. Runs on every sweep.
 */
export async function sendDueDigests(ctx: AppContext, graceMs: number): Promise<void> {
  const now = ctx.now();
  for (const digest of ctx.matrix.digests) {
    const [last] = await ctx.db.select({ slotAt: digestSlots.slotAt }).from(digestSlots)
      .where(eq(digestSlots.digest, digest.name)).orderBy(desc(digestSlots.slotAt)).limit(1);
    const decision = decideSlot(lastSlots(digest.schedule, digest.timezone, now), last?.slotAt, now, graceMs);
    if (decision.action === 'none') continue;
    await ctx.db.transaction(async (tx) => {
      const claimed = await tx.insert(digestSlots)
        .values({ digest: digest.name, slotAt: decision.slot, sent: decision.action === 'send', late: decision.action === 'send' && decision.late, claimedAt: now })
        .onConflictDoNothing()
        .returning({ digest: digestSlots.digest });
      if (claimed.length === 0 || decision.action !== 'send') return;
      await enqueue(tx, now, {
        issueId: null, kind: 'digest', lane: digestLane(digest),
        payload: { name: digest.name, from: decision.from.toISOString(), to: decision.slot.toISOString(), late: decision.late },
      });
      ctx.log.info({ digest: digest.name, slot: decision.slot, late: decision.late }, 'digest slot claimed');
    });
  }
}
