import type { MessageOf, OutboxMessage } from '../outbox-message.js';
import { isUserId } from '../slack-ids.js';
import { changed, homeRefreshes, type Change } from './change.js';
import { event } from './events.js';
import type { Issue, PostedCard } from './issue.js';

/**
 * What Slack's answers to the outbox mean for an issue: a posted card unlocks
 * the messages that link to it, and a channel that refuses Frontline is
 * recorded and told to someone who can fix it.
 */

/**
 * The card is up: the agent's confirmation (with the card's link) and the cc
 * channels' FYIs, which need the card to exist first. After a reroute, the old
 * card points to the new one instead, and the agent learns where the issue went.
 */
export function cardPosted(issue: Issue, post: MessageOf<'post_card'>, card: PostedCard): Change {
  const next = { ...issue, card, postError: null };
  const posted = event('posted', null, { channel: issue.channel, ts: card.ts });
  if (post.movedFrom) {
    const { by, reason } = post.movedFrom;
    return changed(next, [posted], [
      { kind: 'card_moved', issueId: issue.id, from: post.movedFrom },
      { kind: 'agent_rerouted', issueId: issue.id, agentId: issue.agentId, by, reason },
    ]);
  }
  return changed(next, [posted], [
    { kind: 'agent_filed', issueId: issue.id, agentId: issue.agentId, interim: post.interim },
    ...issue.snapshot.cc.map((channel): OutboxMessage => ({ kind: 'cc_notice', issueId: issue.id, channel })),
    ...homeRefreshes(next),
  ]);
}

/** Errors that mean the team channel itself refuses Frontline, rather than one message being wrong. */
const CHANNEL_ERRORS = new Set(['not_in_channel', 'channel_not_found', 'is_archived']);

/**
 * A message Slack refused for good. It is recorded, never dropped silently.
 * When the team channel itself refuses us, the issue records why and, the first
 * time, the agent and the team's first escalation tier are told: somebody must
 * fix the channel, or nobody will see the issue.
 */
export function deliveryFailed(issue: Issue, message: OutboxMessage, lane: string, error: string): Change {
  const failed = event(message.kind === 'post_card' ? 'post_failed' : 'delivery_failed', null, { kind: message.kind, channel: lane, error });
  const channelBroken = lane === issue.channel && CHANNEL_ERRORS.has(error);
  if (!channelBroken || issue.postError) return changed(issue, [failed], []);
  const next = { ...issue, postError: error };
  const tell = (user: string): OutboxMessage => ({ kind: 'channel_problem', issueId: issue.id, user, channel: issue.channel, error });
  const firstTier = issue.snapshot.team.escalation.ack[0]?.notify.filter(isUserId) ?? [];
  const agent: OutboxMessage = message.kind === 'post_card'
    ? { kind: 'agent_post_failed', issueId: issue.id, agentId: issue.agentId, interim: message.interim, error }
    : tell(issue.agentId);
  return changed(next, [failed], [agent, ...firstTier.filter((u) => u !== issue.agentId).map(tell)]);
}
