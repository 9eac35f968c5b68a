import { findByCard, findByKey } from '../db/issue-queries.js';
import { refuse } from '../domain/issue/rules.js';
import { linkByHand, unlink } from './swarms.js';
import { reportBy } from '../db/swarm-store.js';
import { respond } from '../domain/issue/transitions.js';
import { parseThreadReply } from '../domain/thread-commands.js';
import { actOnIssue, type IssueOutcome } from './act-on-issue.js';
import { claimIssue, unclaimIssue } from './claim-issue.js';
import type { AppContext } from './context.js';
import { resumeIssue, waitOnCustomer } from './wait-on-customer.js';

export interface ThreadReply {
  channel: string;
  /** The thread's parent: a card, if this reply is about an issue. */
  threadTs: string;
  userId: string;
  text: string;
}

/**
 * A reply in a card's thread, where experts already work: `claim`, `unclaim`,
 * `waiting <question>` and `resume` act on the issue; the agent's reply to a
 * waiting issue passes the customer's answer on; an owner's other reply is the
 * team's first response. Returns what to explain to the person, or undefined
 * when the reply was not about an issue or needs no answer.
 */
export async function answerInThread(ctx: AppContext, reply: ThreadReply): Promise<IssueOutcome | undefined> {
  const issue = await findByCard(ctx.db, reply.channel, reply.threadTs);
  if (!issue) return undefined;
  const request = { issueId: issue.id, userId: reply.userId };
  const command = parseThreadReply(reply.text);
  switch (command.kind) {
    case 'claim':
      return claimIssue(ctx, request, 'reply');
    case 'unclaim':
      return unclaimIssue(ctx, request);
    case 'waiting':
      return waitOnCustomer(ctx, request, command.question ?? null);
    case 'resume':
      return resumeIssue(ctx, request, 'reply');
    case 'same_as':
      return linkByHand(ctx, request, command.key);
    case 'unlink': {
      const report = await findByKey(ctx.db, command.key);
      if (!report || report.parentId !== issue.id) return refuse('not_found', `${command.key} is not a report of ${issue.key}.`);
      return unlink(ctx, { issueId: report.id, userId: reply.userId }, 'hand');
    }
    case 'none':
      if (reply.userId === issue.agentId && issue.status === 'waiting') return resumeIssue(ctx, request, 'agent_reply', reply.text);
      if (issue.status === 'waiting' && issue.reportCount > 0) {
        // The agent of one of its reports answering for their customer: resumed through that report.
        const report = await reportBy(ctx.db, issue.id, reply.userId);
        if (report) return resumeIssue(ctx, { issueId: report.id, userId: reply.userId }, 'agent_reply', reply.text);
      }
      if (issue.status === 'unclaimed' && !issue.firstResponseAt) await actOnIssue(ctx, request, respond);
      return undefined;
  }
}

/** An :eyes: reaction on a card claims its issue. Other reactions, and reactions elsewhere, do nothing. */
export async function reactOnCard(ctx: AppContext, reaction: { channel: string; ts: string; userId: string; name: string }): Promise<IssueOutcome | undefined> {
  if (reaction.name !== 'eyes') return undefined;
  const issue = await findByCard(ctx.db, reaction.channel, reaction.ts);
  if (!issue) return undefined;
  return claimIssue(ctx, { issueId: issue.id, userId: reaction.userId }, 'reaction');
}
