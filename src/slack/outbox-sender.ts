import type { WebClient } from '@slack/web-api';
import { composeDigest } from '../app/compose-digest.js';
import type { AppContext } from '../app/context.js';
import { recordCardPosted } from '../app/delivery-results.js';
import { loadMyIssues } from '../app/my-issues.js';
import { findIssue } from '../db/issue-store.js';
import type { OutboxRow } from '../db/schema.js';
import type { Issue } from '../domain/issue/issue.js';
import { readOutboxMessage, unhandled, type OutboxMessage } from '../domain/outbox-message.js';
import { isChannelId, isGroupId } from '../domain/slack-ids.js';
import {
  agentFiled, agentPostFailed, agentRerouted, agentResolved, agentWaiting, ccNotice, channelProblem, praiseNotice, resolutionInThread, threadNote, tierNotice,
  undeliveredNotice, type Message,
} from './blocks/agent-messages.js';
import { digestMessage } from './blocks/digest.js';
import { issueCard, movedCard } from './blocks/issue-card.js';
import { HOME_BLOCKS, homeView, perList } from './blocks/issue-lists.js';
import { permalink } from './bot-identity.js';
import { postOnce } from './post-once.js';
import { UnsendableMessage } from './slack-errors.js';
import { swarmSummary } from '../db/swarm-store.js';
import type { Blocks } from './blocks/kit.js';
import { agentLinked, linkedCard, outageNotice } from './blocks/swarm-messages.js';

/** Slack accepts a response_url for 30 minutes; after that the agent hears from us by DM. */
const RESPONSE_URL_LIFETIME_MS = 29 * 60 * 1000;

/**
 * The result of a send that did not throw: done; done with a note for the log; or
 * done with a result to record, which also marks the message sent (in one transaction).
 */
export type Sent = { skipped?: string; record?: () => Promise<void> } | void;

/**
 * Sends one outbox message to Slack. Messages are rendered from the issue as it
 * is now, so a late card update never shows stale state. Throws Slack's error
 * for the worker to classify and retry.
 */
export function outboxSender(ctx: AppContext, client: WebClient, fetchFn: typeof fetch, workspaceUrl?: string) {
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
  async function tellAgent(row: OutboxRow, issue: Issue, message: Message, replace: boolean): Promise<void> {
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

  const inThread = async (row: OutboxRow, issue: Issue, message: Message): Promise<Sent> => {
    if (!issue.card) return { skipped: 'no card thread' };
    await post(row, issue.channel, message, issue.card.ts);
  };

  /** The card as it should look now: a parent shows its swarm; a report linked by hand points to its parent. */
  async function cardOf(issue: Issue): Promise<{ text: string; blocks: Blocks }> {
    if (issue.parentId !== null) return linkedCard(issue, await findIssue(ctx.db, issue.parentId));
    const swarm = issue.reportCount > 0 || issue.outageAt ? await swarmSummary(ctx.db, issue.id) : undefined;
    return issueCard(issue, ctx.now(), swarm);
  }

  /** A report without a card of its own points its agent at its parent's card, where the work happens. */
  async function asTheAgentSeesIt(issue: Issue): Promise<Issue> {
    if (issue.parentId === null || issue.card) return issue;
    const parent = await findIssue(ctx.db, issue.parentId);
    return parent?.card ? { ...issue, card: parent.card, channel: parent.channel } : issue;
  }

  /** One case per kind of message: a kind added to the union and not handled here does not compile. */
  async function deliver(row: OutboxRow, message: OutboxMessage, issue: Issue | undefined): Promise<Sent> {
    switch (message.kind) {
      case 'digest': {
        const digest = ctx.matrix.digests.find((d) => d.name === message.name);
        if (!digest) return { skipped: `digest ${message.name} is no longer in routing.yml` };
        const period = { from: new Date(message.from), to: new Date(message.until) };
        const rendered = digestMessage(await composeDigest(ctx, digest, period), message.late);
        if (isChannelId(digest.to)) await post(row, digest.to, rendered);
        else await dm(row, digest.to, rendered);
        return;
      }
      case 'undelivered_dm':
        return dm(row, message.user, undeliveredNotice(issue, message.failed, false));
      case 'publish_home': {
        const users = isGroupId(message.audience) ? await ctx.owners.usersOf([message.audience], ctx.now()) : [message.audience];
        for (const user of users) {
          await client.views.publish({ user_id: user, view: homeView(await loadMyIssues(ctx, user, perList(HOME_BLOCKS))) });
        }
        return;
      }
    }
    if (!issue) return { skipped: 'issue not found' };
    switch (message.kind) {
      case 'post_card': {
        if (issue.card) return { skipped: 'card already posted' };
        if (issue.parentId !== null) return { skipped: `a report of ESC-${issue.parentId}: no card of its own` };
        const posted = await post(row, issue.channel, await cardOf(issue));
        const url = workspaceUrl ? permalink(workspaceUrl, posted.channel, posted.ts)
          : (await client.chat.getPermalink({ channel: posted.channel, message_ts: posted.ts }).catch(() => undefined))?.permalink ?? null;
        return { record: () => recordCardPosted(ctx, row, message, issue.channel, { ts: posted.ts, url }) };
      }
      case 'update_card':
        if (!issue.card) return { skipped: 'no card to update' };
        await client.chat.update({ channel: issue.channel, ts: issue.card.ts, ...(await cardOf(issue)) });
        return;
      case 'card_moved':
        if (!message.from.ts) return { skipped: 'the old card was never posted' };
        await client.chat.update({ channel: message.from.channel, ts: message.from.ts, ...movedCard(issue, message.from) });
        return;
      case 'thread_note':
        return inThread(row, issue, threadNote(issue, message.note, ctx.now()));
      case 'resolution_in_thread':
        return inThread(row, issue, resolutionInThread(issue, message.by, message.note));
      case 'cc_notice':
        await post(row, message.channel, ccNotice(issue));
        return;
      case 'agent_filed':
        return tellAgent(row, issue, agentFiled(issue), message.interim);
      case 'agent_post_failed':
        return tellAgent(row, issue, agentPostFailed(issue, message.error), message.interim);
      case 'agent_resolved':
        return dm(row, issue.agentId, agentResolved(await asTheAgentSeesIt(issue), message.by, message.note));
      case 'agent_waiting':
        return dm(row, issue.agentId, agentWaiting(await asTheAgentSeesIt(issue), message.by, message.question));
      case 'agent_rerouted':
        return dm(row, issue.agentId, agentRerouted(await asTheAgentSeesIt(issue), message.by, message.reason));
      case 'tier_dm':
        return dm(row, message.user, tierNotice(issue, message.target, message.tier, message.late));
      case 'channel_problem':
        return dm(row, message.user, channelProblem(issue, message.error, message.channel));
      case 'agent_linked': {
        const parent = await findIssue(ctx.db, message.parentId);
        if (!parent) return { skipped: 'parent not found' };
        return tellAgent(row, issue, agentLinked(issue, parent, await swarmSummary(ctx.db, parent.id), message.by), message.interim);
      }
      case 'praise_dm':
        return dm(row, message.user, praiseNotice(issue, message.by, message.via));
      case 'outage_dm':
        return dm(row, message.user, outageNotice(issue, await swarmSummary(ctx.db, issue.id)));
      case 'outage_notice':
        await post(row, message.channel, outageNotice(issue, await swarmSummary(ctx.db, issue.id)));
        return;
      case 'undelivered_in_thread':
        return inThread(row, issue, undeliveredNotice(issue, message.failed, true));
      default:
        return unhandled(message);
    }
  }

  /** `known`: the issue as read just now with its message (see the worker's Batch); otherwise it is read here. */
  return async function send(row: OutboxRow, known?: Issue): Promise<Sent> {
    const message = readOutboxMessage(row.kind, row.issueId, row.payload);
    if ('unreadable' in message) throw new UnsendableMessage(message.unreadable);
    const issue = row.issueId ? known ?? await findIssue(ctx.db, row.issueId) : undefined;
    return deliver(row, message, issue);
  };
}
