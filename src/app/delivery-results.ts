import { lockIssue, setCard } from '../db/issue-store.js';
import { enqueue, markFailed, markSent } from '../db/outbox-store.js';
import type { OutboxRow } from '../db/schema.js';
import { cardPosted, deliveryFailed, recipientOf } from '../domain/issue/delivery.js';
import type { PostedCard } from '../domain/issue/issue.js';
import type { MessageOf, OutboxMessage } from '../domain/outbox-message.js';
import { named } from '../domain/routing/matrix.js';
import { isUserId } from '../domain/slack-ids.js';
import { storeChange } from './act-on-issue.js';
import type { AppContext } from './context.js';

/**
 * Records a posted card on its issue, and queues what needed the card to exist
 * (the agent's confirmation with its link, cc FYIs), in the transaction that
 * marks the message sent.
 */
export async function recordCardPosted(ctx: AppContext, row: OutboxRow, post: MessageOf<'post_card'>, channel: string, card: PostedCard): Promise<void> {
  const now = ctx.now();
  await ctx.db.transaction(async (tx) => {
    const issue = await setCard(tx, post.issueId, channel, card, now);
    if (!issue) {
      // Rerouted while its card went up: the new channel's card is on its way, and this one stays as posted.
      ctx.log.warn({ issue: `ESC-${post.issueId}`, channel }, 'card posted after its issue had moved; not recorded on the issue');
      await markSent(tx, row.id, now);
      return;
    }
    await Promise.all([storeChange(tx, cardPosted(issue, post, card), now, { replan: false, stored: 'updated' }), markSent(tx, row.id, now)]);
  });
  ctx.kickOutbox();
}

/**
 * A message given up on: marked failed, recorded on its issue, and told to a
 * person who can act (see deliveryFailed). A digest that cannot be delivered is
 * told to the first escalation tier of the teams it covers; a Home tab that
 * cannot be refreshed is only counted and listed, as the next change refreshes it.
 */
export async function recordDeliveryFailed(ctx: AppContext, row: OutboxRow, message: OutboxMessage | undefined, error: string): Promise<void> {
  const now = ctx.now();
  await ctx.db.transaction(async (tx) => {
    await markFailed(tx, row.id, error, now);
    if (message?.kind === 'digest') {
      await enqueue(tx, now, ...digestUndelivered(ctx, message, row.lane, error));
      return;
    }
    if (!row.issueId) return;
    const issue = (await lockIssue(tx, row.issueId))!;
    await storeChange(tx, deliveryFailed(issue, { kind: row.kind, lane: row.lane, message }, error), now, { replan: false });
  });
  ctx.log.warn({ issue: row.issueId ? `ESC-${row.issueId}` : undefined, kind: row.kind, outbox: row.id, error }, 'slack message given up on and reported');
  ctx.kickOutbox();
}

function digestUndelivered(ctx: AppContext, digest: MessageOf<'digest'>, lane: string, error: string): OutboxMessage[] {
  const configured = ctx.matrix.digests.find((d) => d.name === digest.name);
  const teams = (configured?.teams ?? Object.keys(ctx.matrix.teams)).map((t) => named(ctx.matrix.teams, t)).filter((t) => t !== undefined);
  const leads = new Set(teams.flatMap((t) => t.escalation.ack[0]?.notify.filter(isUserId) ?? []));
  const recipient = recipientOf(lane);
  leads.delete(recipient);
  return [...leads].map((user) => ({
    kind: 'undelivered_dm', user, failed: { kind: 'digest', recipient, error, passOn: null, digest: digest.name },
  }));
}
