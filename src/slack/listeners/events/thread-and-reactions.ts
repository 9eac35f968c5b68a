import type { IssueOutcome } from '../../../app/act-on-issue.js';
import { claimIssue, unclaimIssue } from '../../../app/claim-issue.js';
import { recordFirstResponse } from '../../../app/record-response.js';
import { resumeIssue, waitOnCustomer } from '../../../app/wait-on-customer.js';
import { issueKeysIn, parseThreadReply } from '../../../domain/thread-commands.js';
import { findByCard, findByKey } from '../../../db/issue-queries.js';
import type { IssueRow } from '../../../db/schema.js';
import type { ListenerDeps } from '../listener-kit.js';

interface MessageEvent {
  type: 'message';
  subtype?: string;
  channel: string;
  channel_type?: string;
  user?: string;
  bot_id?: string;
  text?: string;
  ts: string;
  thread_ts?: string;
}

/**
 * Experts work from the channel: replies in a card's thread and :eyes: reactions
 * act on the issue; the agent's answers (in the thread or by DM) resume it.
 */
export function registerThreadAndReactions({ app, ctx }: ListenerDeps): void {
  const explain = async (channel: string, user: string, outcome: IssueOutcome, threadTs?: string) => {
    if (outcome.ok) return;
    await app.client.chat
      .postEphemeral({ channel, user, text: `:no_entry: ${outcome.message}`, ...(threadTs ? { thread_ts: threadTs } : {}) })
      .catch((error: unknown) => ctx.log.warn({ err: error }, 'could not explain a refusal'));
  };

  async function onThreadReply(issue: IssueRow, user: string, text: string, event: MessageEvent): Promise<void> {
    const command = parseThreadReply(text);
    if (command.kind === 'none' && user === issue.agentId && issue.status === 'waiting') {
      await explain(event.channel, user, await resumeIssue(ctx, issue.id, user, 'agent_reply', text), event.thread_ts);
      return;
    }
    let outcome: IssueOutcome;
    switch (command.kind) {
      case 'claim': outcome = await claimIssue(ctx, issue.id, user, 'reply'); break;
      case 'unclaim': outcome = await unclaimIssue(ctx, issue.id, user); break;
      case 'waiting': outcome = await waitOnCustomer(ctx, issue.id, user, command.question); break;
      case 'resume': outcome = await resumeIssue(ctx, issue.id, user, 'reply'); break;
      case 'none':
        if (issue.status === 'open' && (await ctx.owners.isOwner(user, issue.snapshot.team.owners, ctx.now()))) {
          await recordFirstResponse(ctx, issue, user);
        }
        return;
    }
    await explain(event.channel, user, outcome, event.thread_ts);
  }

  /** "ESC-12: she says the refund arrived" in a DM passes the customer's answer on. */
  async function onDirectMessage(user: string, text: string, event: MessageEvent): Promise<void> {
    for (const key of issueKeysIn(text)) {
      const issue = await findByKey(ctx.db, key);
      if (!issue || issue.agentId !== user) continue;
      if (issue.status !== 'waiting') {
        await app.client.chat.postMessage({ channel: event.channel, text: `${key} is not waiting on the customer, so there is nothing to pass on.` });
        continue;
      }
      await resumeIssue(ctx, issue.id, user, 'agent_dm', text);
    }
  }

  app.event('message', async ({ event }) => {
    const message = event as unknown as MessageEvent;
    // Edits, joins and bots (ourselves included) never act on issues.
    if (message.subtype && message.subtype !== 'thread_broadcast') return;
    if (message.bot_id || !message.user || !message.text) return;
    if (message.channel_type === 'im') return onDirectMessage(message.user, message.text, message);
    if (!message.thread_ts || message.thread_ts === message.ts) return;
    const issue = await findByCard(ctx.db, message.channel, message.thread_ts);
    if (issue) await onThreadReply(issue, message.user, message.text, message);
  });

  app.event('reaction_added', async ({ event }) => {
    if (event.reaction !== 'eyes' || event.item.type !== 'message') return;
    const issue = await findByCard(ctx.db, event.item.channel, event.item.ts);
    if (!issue) return;
    await explain(event.item.channel, event.user, await claimIssue(ctx, issue.id, event.user, 'reaction'));
  });
}
