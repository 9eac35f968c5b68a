import { lockIssue } from '../db/issue-store.js';
import { markFailed, markSent } from '../db/outbox-store.js';
import type { OutboxRow } from '../db/schema.js';
import { cardPosted, deliveryFailed } from '../domain/issue/delivery.js';
import type { PostedCard } from '../domain/issue/issue.js';
import type { MessageOf, OutboxMessage } from '../domain/outbox-message.js';
import { storeChange } from './act-on-issue.js';
import type { AppContext } from './context.js';

/**
 * Records a posted card on its issue, and queues what needed the card to exist
 * (the agent's confirmation with its link, cc FYIs), in the transaction that
 * marks the message sent.
 */
export async function recordCardPosted(ctx: AppContext, row: OutboxRow, post: MessageOf<'post_card'>, card: PostedCard): Promise<void> {
  const now = ctx.now();
  await ctx.db.transaction(async (tx) => {
    const issue = (await lockIssue(tx, post.issueId))!;
    await storeChange(tx, cardPosted(issue, post, card), now, { replan: false });
    await markSent(tx, row.id, now);
  });
  ctx.kickOutbox();
}

/**
 * A message Slack refused for good: marked failed, recorded on its issue, and
 * when the team channel itself refuses Frontline, told to people who can fix it.
 */
export async function recordDeliveryFailed(ctx: AppContext, row: OutboxRow, message: OutboxMessage | undefined, error: string): Promise<void> {
  const now = ctx.now();
  await ctx.db.transaction(async (tx) => {
    await markFailed(tx, row.id, error);
    if (!message || !row.issueId) return;
    const issue = (await lockIssue(tx, row.issueId))!;
    await storeChange(tx, deliveryFailed(issue, message, row.lane, error), now, { replan: false });
  });
  ctx.log.warn({ issue: row.issueId ? `ESC-${row.issueId}` : undefined, kind: row.kind, error }, 'slack message not delivered');
  ctx.kickOutbox();
}
