import { z } from 'zod';
import { isUserId } from './slack-ids.js';

/**
 * Every Slack message Frontline sends, as one union. Changes queue these in the
 * same transaction that records them; the outbox sends them after commit. The
 * sender switches over `kind` exhaustively, so a kind that nobody sends, or
 * that is sent without being handled, does not compile.
 *
 * Messages about an issue carry what cannot be read back later (who did it, the
 * note that was written); everything else is rendered from the issue as it is
 * when the message goes out, so a late card update never shows stale state.
 */

const target = z.enum(['ack', 'resolve']);

/** A line in the card's thread for each step, so the thread is the issue's story. */
const threadNote = z.discriminatedUnion('note', [
  z.object({ note: z.literal('nudge'), target }),
  z.object({
    note: z.literal('escalated'), target, tier: z.number(), notify: z.array(z.string()), late: z.boolean(),
    skipped: z.array(z.object({ user: z.string(), why: z.enum(['outside_hours', 'dnd']) })).default([]),
    nobodyReachable: z.boolean().optional(),
  }),
  z.object({ note: z.literal('unclaimed'), by: z.string() }),
  z.object({ note: z.literal('paused'), by: z.string() }),
  z.object({ note: z.literal('resumed'), by: z.string(), via: z.string(), answer: z.string().nullable() }),
  z.object({ note: z.literal('reopened'), by: z.string(), reason: z.string() }),
  // A swarm's parent: a report joined or left, or the reports crossed the outage threshold.
  z.object({ note: z.literal('report'), report: z.string(), agent: z.string(), origin: z.string(), summary: z.string(), customers: z.number().optional() }),
  z.object({ note: z.literal('report_unlinked'), report: z.string(), by: z.string().nullable() }),
  z.object({ note: z.literal('outage'), reports: z.number(), withinMs: z.number(), notify: z.array(z.string()).default([]) }),
]);
export type ThreadNote = z.infer<typeof threadNote>;

/** Where a rerouted issue's old card is, and why it moved. */
const movedFrom = z.object({ team: z.string(), channel: z.string(), ts: z.string().nullable(), by: z.string(), reason: z.string() });
export type MovedFrom = z.infer<typeof movedFrom>;

const issueId = z.number().int().positive();

/**
 * What could not be delivered, to whom and why, with what the reader should pass
 * on (the resolution note, the question for the customer) when that was the point.
 */
const failedMessage = z.object({
  kind: z.string(),
  recipient: z.string(),
  error: z.string(),
  passOn: z.string().nullable(),
  digest: z.string().optional(),
});
export type FailedMessage = z.infer<typeof failedMessage>;
const about = { issueId };

const messageSchema = z.discriminatedUnion('kind', [
  // In the team channel.
  z.object({ kind: z.literal('post_card'), ...about, channel: z.string(), interim: z.boolean(), movedFrom: movedFrom.optional() }),
  z.object({ kind: z.literal('update_card'), ...about, channel: z.string() }),
  z.object({ kind: z.literal('card_moved'), ...about, from: movedFrom }),
  z.object({ kind: z.literal('thread_note'), ...about, channel: z.string(), note: threadNote }),
  z.object({ kind: z.literal('resolution_in_thread'), ...about, channel: z.string(), by: z.string(), note: z.string() }),
  z.object({ kind: z.literal('cc_notice'), ...about, channel: z.string() }),
  // To the escalating agent.
  z.object({ kind: z.literal('agent_filed'), ...about, agentId: z.string(), interim: z.boolean() }),
  z.object({ kind: z.literal('agent_post_failed'), ...about, agentId: z.string(), interim: z.boolean(), error: z.string() }),
  z.object({ kind: z.literal('agent_resolved'), ...about, agentId: z.string(), by: z.string(), note: z.string() }),
  z.object({ kind: z.literal('agent_waiting'), ...about, agentId: z.string(), by: z.string(), question: z.string().nullable() }),
  z.object({ kind: z.literal('agent_rerouted'), ...about, agentId: z.string(), by: z.string(), reason: z.string() }),
  // The agent's escalation joined a swarm: the parent's key, and an undo.
  z.object({ kind: z.literal('agent_linked'), ...about, agentId: z.string(), interim: z.boolean(), parentId: issueId, by: z.string().nullable() }),
  // To people in the escalation chain, or anyone who must fix a channel.
  z.object({ kind: z.literal('tier_dm'), ...about, user: z.string(), target, tier: z.number(), late: z.boolean() }),
  z.object({ kind: z.literal('channel_problem'), ...about, user: z.string(), channel: z.string(), error: z.string() }),
  // Praise for an expert: named in a praise escalation, or a happy customer after their resolution.
  z.object({ kind: z.literal('praise_dm'), ...about, user: z.string(), by: z.string(), via: z.enum(['escalation', 'happy_customer']) }),
  // A probable outage: the first tier by DM, and the team's outage channel.
  z.object({ kind: z.literal('outage_dm'), ...about, user: z.string() }),
  z.object({ kind: z.literal('outage_notice'), ...about, channel: z.string() }),
  // A message given up on, told to someone who can act: in the card's thread, or by DM.
  z.object({ kind: z.literal('undelivered_in_thread'), ...about, channel: z.string(), failed: failedMessage }),
  z.object({ kind: z.literal('undelivered_dm'), issueId: issueId.optional(), user: z.string(), failed: failedMessage }),
  // About a person or a period rather than one issue.
  z.object({ kind: z.literal('publish_home'), audience: z.string() }),
  z.object({ kind: z.literal('digest'), name: z.string(), to: z.string(), from: z.iso.datetime(), until: z.iso.datetime(), late: z.boolean() }),
]);

export type OutboxMessage = z.infer<typeof messageSchema>;
export type OutboxKind = OutboxMessage['kind'];
export type MessageOf<K extends OutboxKind> = Extract<OutboxMessage, { kind: K }>;

/** Home tabs are rendered from current state: one unsent refresh already covers any later one. */
export const COALESCING: ReadonlySet<OutboxKind> = new Set(['publish_home']);

const dm = (user: string) => `user:${user}`;

/**
 * Messages in one lane go out in order, one at a time: a channel's card before
 * its thread notes, a person's DMs in the order they were written.
 */
export function laneOf(message: OutboxMessage): string {
  switch (message.kind) {
    case 'post_card':
    case 'update_card':
    case 'thread_note':
    case 'resolution_in_thread':
    case 'cc_notice':
    case 'undelivered_in_thread':
    case 'outage_notice':
      return message.channel;
    case 'card_moved':
      return message.from.channel;
    case 'agent_filed':
    case 'agent_post_failed':
    case 'agent_resolved':
    case 'agent_waiting':
    case 'agent_rerouted':
    case 'agent_linked':
      return dm(message.agentId);
    case 'tier_dm':
    case 'channel_problem':
    case 'undelivered_dm':
    case 'outage_dm':
    case 'praise_dm':
      return dm(message.user);
    case 'publish_home':
      return `home:${message.audience}`;
    case 'digest':
      return isUserId(message.to) ? dm(message.to) : message.to;
  }
}

/** The issue a message is about, if any: what a failed delivery is recorded on. */
export const issueOf = (message: OutboxMessage): number | null => ('issueId' in message && message.issueId ? message.issueId : null);

/** Reads a stored message back; a row that no longer fits its kind is a bug to report, not to send. */
export function readOutboxMessage(kind: string, issueId: number | null, payload: unknown): OutboxMessage | { unreadable: string } {
  const parsed = messageSchema.safeParse({ ...(payload as object), kind, ...(issueId === null ? {} : { issueId }) });
  return parsed.success ? parsed.data : { unreadable: `unreadable ${kind} message: ${parsed.error.issues[0]?.message ?? 'invalid'}` };
}

/** What is stored besides `kind`, `issueId` and the lane. */
export function payloadOf(message: OutboxMessage): Record<string, unknown> {
  const { kind: _kind, ...rest } = message;
  if ('issueId' in rest) delete (rest as { issueId?: number }).issueId;
  return rest;
}

/** The `default` of an exhaustive switch over messages: a kind left out makes `message` not `never`, and the build fails. */
export function unhandled(message: never): never {
  throw new Error(`no sender for outbox message ${JSON.stringify(message)}`);
}
