import { findByKey } from '../db/issue-queries.js';
import { issueKeysIn } from '../domain/thread-commands.js';
import type { AppContext } from './context.js';
import { resumeIssue } from './wait-on-customer.js';

/**
 * The agent's DM to the bot, e.g. "ESC-12: she says the refund arrived": each
 * waiting issue of theirs that it names resumes with that answer. Returns what
 * to tell the agent about the keys it could not pass an answer on to.
 */
export async function answerByDm(ctx: AppContext, userId: string, text: string): Promise<string[]> {
  const replies: string[] = [];
  for (const key of issueKeysIn(text)) {
    const issue = await findByKey(ctx.db, key);
    // Someone else's issue gets the same silence as a key that does not exist.
    if (!issue || issue.agentId !== userId) continue;
    if (issue.status !== 'waiting') {
      replies.push(`${key} is not waiting on the customer, so there is nothing to pass on.`);
      continue;
    }
    const outcome = await resumeIssue(ctx, { issueId: issue.id, userId }, 'agent_dm', text);
    if (!outcome.ok) replies.push(outcome.message);
  }
  return replies;
}
