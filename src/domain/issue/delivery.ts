import type { FailedMessage, MessageOf, OutboxMessage } from '../outbox-message.js';
import { isUserId } from '../slack-ids.js';
import { changed, homeRefreshes, type Change } from './change.js';
import { event, type IssueEvent } from './events.js';
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

/** Messages that are themselves reports of a failure: when one fails too, it is counted and listed, not reported again. */
const NOTICES = new Set<OutboxMessage['kind']>(['channel_problem', 'undelivered_in_thread', 'undelivered_dm']);

/** A message given up on, as far as it can be read: a row from an older version may no longer parse. */
export interface FailedSend {
  kind: string;
  lane: string;
  message?: OutboxMessage;
}

/** What a person should pass on when the message that failed carried it. */
function passOnOf(message: OutboxMessage | undefined): string | null {
  switch (message?.kind) {
    case 'agent_resolved':
    case 'resolution_in_thread':
      return message.note;
    case 'agent_waiting':
      return message.question;
    default:
      return null;
  }
}

/** Who a lane reaches: `user:U0ALEX` is a person's DMs, anything else a channel. */
export const recipientOf = (lane: string) => lane.replace(/^user:/, '');

/** The first escalation tier's users, or failing that the team's owners: the people who can act for the team. */
function teamLeads(issue: Issue): string[] {
  const tier = issue.snapshot.team.escalation.ack[0]?.notify.filter(isUserId) ?? [];
  return tier.length ? tier : issue.snapshot.team.owners.filter(isUserId);
}

/**
 * A message given up on (refused for good, unexpected, or failing for a day).
 * It is recorded, and told to a person who can act, never dropped silently:
 * - when the team channel itself refuses Frontline, the agent and the first
 *   tier are told once (the channel must be fixed, or nobody sees the issue);
 * - a message for someone else (the agent's DMs, a tier's DM, a cc channel) is
 *   reported in the card's thread, with what it should have passed on;
 * - a message in the team channel that failed on its own goes to the first tier.
 */
export function deliveryFailed(issue: Issue, send: FailedSend, error: string): Change {
  const { kind, lane, message } = send;
  const failed = event(kind === 'post_card' ? 'post_failed' : 'delivery_failed', null, { kind, channel: lane, error });
  const inTeamChannel = lane === issue.channel;
  if (inTeamChannel && CHANNEL_ERRORS.has(error)) return channelRefused(issue, message, error, failed);
  if (NOTICES.has(kind as OutboxMessage['kind'])) return changed(issue, [failed], []);
  const report: FailedMessage = { kind, recipient: recipientOf(lane), error, passOn: passOnOf(message) };
  if (!inTeamChannel && issue.card) {
    return changed(issue, [failed], [{ kind: 'undelivered_in_thread', issueId: issue.id, channel: issue.channel, failed: report }]);
  }
  const tell = teamLeads(issue).filter((user) => user !== report.recipient);
  return changed(issue, [failed], tell.map((user): OutboxMessage => ({ kind: 'undelivered_dm', issueId: issue.id, user, failed: report })));
}

function channelRefused(issue: Issue, message: OutboxMessage | undefined, error: string, failed: IssueEvent): Change {
  if (issue.postError) return changed(issue, [failed], []); // the agent and the first tier were told the first time
  const next = { ...issue, postError: error };
  const tell = (user: string): OutboxMessage => ({ kind: 'channel_problem', issueId: issue.id, user, channel: issue.channel, error });
  const firstTier = issue.snapshot.team.escalation.ack[0]?.notify.filter(isUserId) ?? [];
  const agent: OutboxMessage = message?.kind === 'post_card'
    ? { kind: 'agent_post_failed', issueId: issue.id, agentId: issue.agentId, interim: message.interim, error }
    : tell(issue.agentId);
  return changed(next, [failed], [agent, ...firstTier.filter((u) => u !== issue.agentId).map(tell)]);
}
