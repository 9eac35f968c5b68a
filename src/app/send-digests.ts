import { claimSlot, lastHandledSlot } from '../db/digest-slot-store.js';
import { enqueue } from '../db/outbox-store.js';
import { decideSlot, lastSlots, type SlotDecision } from '../domain/digest-schedule.js';
import type { Digest } from '../domain/routing/matrix.js';
import type { AppContext } from './context.js';

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
      const last = await lastHandledSlot(ctx.db, digest.name);
      await handleSlot(ctx, digest, decideSlot(slots, last, now, graceMs), now);
      handled.set(digest.name, slots.latest);
    }
  };
}

async function handleSlot(ctx: AppContext, digest: Digest, decision: SlotDecision, now: Date): Promise<void> {
  if (decision.action === 'none') return;
  await ctx.db.transaction(async (tx) => {
    const send = decision.action === 'send';
    const claimed = await claimSlot(tx, { digest: digest.name, slotAt: decision.slot, sent: send, late: send && decision.late }, now);
    if (!claimed || decision.action !== 'send') return;
    await enqueue(tx, now, {
      kind: 'digest', name: digest.name, to: digest.to, from: decision.from.toISOString(), until: decision.slot.toISOString(), late: decision.late,
    });
    ctx.log.info({ digest: digest.name, slot: decision.slot, late: decision.late }, 'digest slot claimed');
  });
}
