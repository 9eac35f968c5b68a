import { desc, eq } from 'drizzle-orm';
import { decideSlot, lastSlots, type SlotDecision } from '../domain/digest-schedule.js';
import type { Digest } from '../domain/routing/matrix.js';
import { enqueue } from '../db/outbox-store.js';
import { digestSlots } from '../db/schema.js';
import type { AppContext } from './context.js';
import { isUserId } from '../domain/slack-ids.js';

/** Where a digest goes: a user's DM or a channel, in its own ordered outbox lane. */
const digestLane = (digest: Digest) => (isUserId(digest.to) ? `user:${digest.to}` : digest.to);

/**
 * Returns the sweep task that sends each digest whose slot has come, once across
 * all instances: inserting the (digest, slot) row claims it, and the outbox
 * message is queued in the same transaction. The latest slot known to be handled
 * is remembered, so between slots a sweep does not touch the database.
 */
export function digestSender(ctx: AppContext, graceMs: number): () => Promise<void> {
  const handled = new Map<string, Date>();
  return async () => {
    const now = ctx.now();
    for (const digest of ctx.matrix.digests) {
      const slots = lastSlots(digest.schedule, digest.timezone, now);
      const known = handled.get(digest.name);
      if (!slots.latest || (known && known >= slots.latest)) continue;
      const last = await lastHandledSlot(ctx, digest.name);
      await handleSlot(ctx, digest, decideSlot(slots, last, now, graceMs), now);
      handled.set(digest.name, slots.latest);
    }
  };
}

async function lastHandledSlot(ctx: AppContext, digest: string): Promise<Date | undefined> {
  const [last] = await ctx.db.select({ slotAt: digestSlots.slotAt }).from(digestSlots)
    .where(eq(digestSlots.digest, digest)).orderBy(desc(digestSlots.slotAt)).limit(1);
  return last?.slotAt;
}

async function handleSlot(ctx: AppContext, digest: Digest, decision: SlotDecision, now: Date): Promise<void> {
  if (decision.action === 'none') return;
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
