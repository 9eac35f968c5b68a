import { eventsOf, findIssue } from '../db/issue-store.js';
import { findByKey } from '../db/issue-queries.js';
import type { Issue } from '../domain/issue/issue.js';
import { refuse, refusalFor, type Refusal } from '../domain/issue/rules.js';
import { escapeMrkdwn } from '../domain/mrkdwn.js';
import type { AppContext } from './context.js';

/** The issue, its timeline and, for a report of a swarm, the parent it follows. */
export type Shown = Refusal | { ok: true; issue: Issue; events: Awaited<ReturnType<typeof eventsOf>>; parent?: Issue };

/**
 * `/escalate show ESC-12`: the issue and its timeline, for the team channel's
 * members and the escalating agent. Typing it in the team channel proves
 * membership. Anyone else gets the answer a key that does not exist gets, so
 * that a private issue's existence, channel and agent stay private.
 */
export async function showIssue(ctx: AppContext, key: string, userId: string, fromChannel: string): Promise<Shown> {
  const noSuchIssue = refuse('not_found', `There is no issue ${escapeMrkdwn(key)} that you can see. Keys look like ESC-12.`);
  const issue = await findByKey(ctx.db, key);
  if (!issue) return noSuchIssue;
  const inChannel = userId !== issue.agentId && (fromChannel === issue.channel || (await ctx.channelMembers(issue.channel)).includes(userId));
  if (refusalFor('show', issue, { userId, isOwner: false, inChannel }, ctx.now())) return noSuchIssue;
  const [events, parent] = await Promise.all([eventsOf(ctx.db, issue.id), issue.parentId !== null ? findIssue(ctx.db, issue.parentId) : undefined]);
  return { ok: true, issue, events, ...(parent ? { parent } : {}) };
}
