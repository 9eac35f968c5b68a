import { appendEvent, lockIssue, updateIssue } from '../db/issue-store.js';
import { enqueue, markFailed, markSent } from '../db/outbox-store.js';
import type { OutboxRow } from '../db/schema.js';
import type { AppContext } from './context.js';
import { homesOf } from './home-refresh.js';
import { isUserId } from '../domain/slack-ids.js';

/**
 * What follows a posted card: the agent's confirmation (with the card's link)
 * and the cc channels' FYIs, which need the card to exist first.
 */
export async function cardPosted(ctx: AppContext, row: OutboxRow, ts: string, url: string | null): Promise<void> {
  const now = ctx.now();
  await ctx.db.transaction(async (tx) => {
    const issue = (await lockIssue(tx, row.issueId!))!;
    await updateIssue(tx, issue.id, { cardTs: ts, cardUrl: url, postError: null, updatedAt: now });
    await appendEvent(tx, issue.id, 'posted', null, now, { channel: issue.channel, ts });
    const reroute = row.payload.reroute as { channel: string } | undefined;
    if (reroute) {
      // The old card points to the new one, and the agent learns where the issue went.
      await enqueue(tx, now,
        { issueId: issue.id, kind: 'card_moved', lane: reroute.channel, payload: reroute },
        { issueId: issue.id, kind: 'agent_rerouted', lane: `user:${issue.agentId}`, payload: reroute });
    } else {
      await enqueue(tx, now,
        { issueId: issue.id, kind: 'agent_filed', lane: `user:${issue.agentId}`, payload: row.payload },
        ...issue.snapshot.cc.map((channel) => ({ issueId: issue.id, kind: 'cc_notice', lane: channel, payload: { channel } })),
        ...homesOf(issue));
    }
    await markSent(tx, row.id, now);
  });
  ctx.kickOutbox();
}

/** Errors that mean the team channel itself refuses Frontline, rather than one message being wrong. */
const CHANNEL_ERRORS = new Set(['not_in_channel', 'channel_not_found', 'is_archived']);

/**
 * A message Slack refused for good, or that kept failing until we gave up. It is
 * recorded, never dropped silently. When the team channel itself refuses us, the
 * issue records why and, the first time, the agent and the team's first
 * escalation tier are told: somebody must fix the channel, or nobody will see it.
 */
export async function deliveryFailed(ctx: AppContext, row: OutboxRow, error: string): Promise<void> {
  const now = ctx.now();
  await ctx.db.transaction(async (tx) => {
    await markFailed(tx, row.id, error);
    if (!row.issueId) return;
    const issue = (await lockIssue(tx, row.issueId))!;
    const channelBroken = row.lane === issue.channel && CHANNEL_ERRORS.has(error);
    await appendEvent(tx, issue.id, row.kind === 'post_card' ? 'post_failed' : 'delivery_failed', null, now, { kind: row.kind, channel: row.lane, error });
    if (!channelBroken || issue.postError) return;
    await updateIssue(tx, issue.id, { postError: error, updatedAt: now });
    const firstTier = issue.snapshot.team.escalation.ack[0]?.notify.filter(isUserId) ?? [];
    const tell = (user: string) => ({ issueId: issue.id, kind: 'channel_problem', lane: `user:${user}`, payload: { user, error, channel: issue.channel } });
    await enqueue(tx, now,
      row.kind === 'post_card'
        ? { issueId: issue.id, kind: 'agent_post_failed', lane: `user:${issue.agentId}`, payload: { ...row.payload, error } }
        : tell(issue.agentId),
      ...firstTier.filter((u) => u !== issue.agentId).map(tell));
  });
  ctx.log.warn({ issue: row.issueId ? `ESC-${row.issueId}` : undefined, kind: row.kind, error }, 'slack message not delivered');
  ctx.kickOutbox();
}
