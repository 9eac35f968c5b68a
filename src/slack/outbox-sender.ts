import type { WebClient } from '@slack/web-api';
import type { AppContext } from '../app/context.js';
import { cardPosted } from '../app/delivery-results.js';
import { findIssue } from '../db/issue-store.js';
import type { IssueRow, OutboxRow } from '../db/schema.js';
import { loadMyIssues } from '../app/my-issues.js';
import { composeDigest } from '../app/compose-digest.js';
import { digestMessage } from './blocks/digest.js';
import {
  agentFiled, agentPostFailed, channelProblem, agentRerouted, agentResolved, agentWaiting, ccNotice, resolutionInThread, threadNote, tierNotice,
  type Message, type ThreadNote,
} from './blocks/agent-messages.js';
import { issueCard, movedCard, type MovedFrom } from './blocks/issue-card.js';
import { HOME_BLOCKS, homeView, perList } from './blocks/issue-lists.js';
import { postOnce } from './post-once.js';
import { isChannelId } from '../domain/slack-ids.js';

/** Slack accepts a response_url for 30 minutes; after that the agent hears from us by DM. */
const RESPONSE_URL_LIFETIME_MS = 29 * 60 * 1000;

/**
 * The result of a send that did not throw: done; done with a note for the log; or
 * done and already marked sent by the handler, in the transaction that recorded its result.
 */
export type Sent = { skipped?: string; recorded?: true } | void;

/**
 * Sends one outbox message to Slack. Messages are rendered from the issue as it
 * is now, so a late card update never shows stale state. Throws Slack's error
 * for the worker to classify and retry.
 */
export function outboxSender(ctx: AppContext, client: WebClient, fetchFn: typeof fetch = fetch) {
  const dmChannels = new Map<string, string>();
  const post = postOnce(client);

  async function dm(row: OutboxRow, userId: string, message: Message): Promise<void> {
    let channel = dmChannels.get(userId);
    if (!channel) {
      const opened = await client.conversations.open({ users: userId });
      channel = opened.channel!.id!;
      dmChannels.set(userId, channel);
    }
    await post(row, channel, message);
  }

  /** Ephemerally where the agent typed /escalate while Slack still accepts it; else by DM. */
  async function tellAgent(row: OutboxRow, issue: IssueRow, message: Message, replace: boolean): Promise<void> {
    if (issue.responseUrl && ctx.now().getTime() - issue.filedAt.getTime() < RESPONSE_URL_LIFETIME_MS) {
      const response = await fetchFn(issue.responseUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ response_type: 'ephemeral', replace_original: replace, ...message }),
      }).catch(() => undefined);
      if (response?.ok) return;
      ctx.log.info({ issue: issue.key, status: response?.status }, 'response_url refused; telling the agent by DM');
    }
    await dm(row, issue.agentId, message);
  }

  const inThread = (row: OutboxRow, issue: IssueRow, message: Message) => post(row, issue.channel, message, issue.cardTs!);

  const handlers: Record<string, (issue: IssueRow, row: OutboxRow) => Promise<Sent>> = {
    async post_card(issue, row) {
      if (issue.cardTs) return { skipped: 'card already posted' };
      const posted = await post(row, issue.channel, issueCard(issue));
      const link = await client.chat.getPermalink({ channel: issue.channel, message_ts: posted.ts! }).catch(() => undefined);
      await cardPosted(ctx, row, posted.ts!, link?.permalink ?? null);
      return { recorded: true };
    },
    async update_card(issue) {
      if (!issue.cardTs) return { skipped: 'no card to update' };
      await client.chat.update({ channel: issue.channel, ts: issue.cardTs, ...issueCard(issue) });
    },
    async resolution_in_thread(issue, row) {
      if (!issue.cardTs) return { skipped: 'no card thread' };
      await inThread(row, issue, resolutionInThread(issue));
    },
    agent_filed: (issue, row) => tellAgent(row, issue, agentFiled(issue), row.payload.interim === true),
    agent_post_failed: (issue, row) =>
      tellAgent(row, issue, agentPostFailed(issue, String(row.payload.error)), row.payload.interim === true),
    agent_resolved: (issue, row) => dm(row, issue.agentId, agentResolved(issue)),
    async cc_notice(issue, row) {
      await post(row, String(row.payload.channel), ccNotice(issue));
    },
    async thread_note(issue, row) {
      if (!issue.cardTs) return { skipped: 'no card thread' };
      await inThread(row, issue, threadNote(issue, row.payload as unknown as ThreadNote, ctx.now()));
    },
    channel_problem: (issue, row) => dm(row, String(row.payload.user), channelProblem(issue, String(row.payload.error), String(row.payload.channel))),
    tier_dm: (issue, row) => dm(row, String(row.payload.user), tierNotice(issue, row.payload.target as 'ack' | 'resolve', Number(row.payload.tier), row.payload.late === true)),
    agent_waiting: (issue, row) => dm(row, issue.agentId, agentWaiting(issue, String(row.payload.by), (row.payload.question as string | null) ?? null)),
    agent_rerouted: (issue, row) => dm(row, issue.agentId, agentRerouted(issue, String(row.payload.by), String(row.payload.reason))),
    async card_moved(issue, row) {
      const from = row.payload as unknown as MovedFrom;
      if (!from.ts) return { skipped: 'the old card was never posted' };
      await client.chat.update({ channel: from.channel, ts: from.ts, ...movedCard(issue, from) });
    },
  };

  /** Messages about a person or a period rather than one issue. */
  const personal: Record<string, (row: OutboxRow) => Promise<Sent>> = {
    async digest(row) {
      const digest = ctx.matrix.digests.find((d) => d.name === row.payload.name);
      if (!digest) return { skipped: `digest ${String(row.payload.name)} is no longer in routing.yml` };
      const period = { from: new Date(String(row.payload.from)), to: new Date(String(row.payload.to)) };
      const message = digestMessage(await composeDigest(ctx, digest, period), row.payload.late === true);
      if (isChannelId(digest.to)) await post(row, digest.to, message);
      else await dm(row, digest.to, message);
    },
    async publish_home(row) {
      const group = row.payload.group;
      const users = typeof group === 'string' ? await ctx.owners.usersOf([group], ctx.now()) : [String(row.payload.user)];
      for (const user of users) {
        await client.views.publish({ user_id: user, view: homeView(await loadMyIssues(ctx, user, perList(HOME_BLOCKS))) });
      }
    },
  };

  return async function send(row: OutboxRow): Promise<Sent> {
    if (personal[row.kind]) return personal[row.kind]!(row);
    const handler = handlers[row.kind];
    if (!handler) throw new Error(`unknown outbox message kind ${row.kind}`);
    const issue = row.issueId ? await findIssue(ctx.db, row.issueId) : undefined;
    if (!issue) return { skipped: 'issue not found' };
    return handler(issue, row);
  };
}
