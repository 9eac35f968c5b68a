import { stateOf } from './act-on-issue.js';
import { decide, type Decision } from '../domain/issue-rules.js';
import { escapeMrkdwn } from '../domain/mrkdwn.js';
import { eventsOf } from '../db/issue-store.js';
import { findByKey } from '../db/issue-queries.js';
import type { IssueRow } from '../db/schema.js';
import type { AppContext } from './context.js';

export type Shown = Decision<{ issue: IssueRow; events: Awaited<ReturnType<typeof eventsOf>> }>;

/**
 * `/escalate show ESC-12`: the issue and its timeline, for the team channel's
 * members and the escalating agent. Typing it in the team channel proves membership.
 */
export async function showIssue(ctx: AppContext, key: string, userId: string, fromChannel: string): Promise<Shown> {
  const issue = await findByKey(ctx.db, key);
  if (!issue) return { ok: false, code: 'wrong_state', message: `There is no issue ${escapeMrkdwn(key)}. Keys look like ESC-12.` };
  // The agent needs no membership check; typing in the team channel proves membership without a call to Slack.
  const inChannel = userId !== issue.agentId && (fromChannel === issue.channel || (await ctx.channelMembers(issue.channel)).includes(userId));
  const decision = decide('show', stateOf(issue), { userId, isOwner: false, inChannel }, ctx.now());
  if (!decision.ok) return decision;
  return { ok: true, issue, events: await eventsOf(ctx.db, issue.id) };
}
