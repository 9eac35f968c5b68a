import { addOpenTime, openTimeBetween } from '../domain/calendar.js';
import { appendEvent, updateIssue } from '../db/issue-store.js';
import { enqueue } from '../db/outbox-store.js';
import type { AppContext } from './context.js';
import { actOnIssue, type IssueOutcome } from './act-on-issue.js';
import { homesOf } from './home-refresh.js';

export type ResumeVia = 'button' | 'reply' | 'agent_reply' | 'agent_dm';

/**
 * Pauses the resolution clock while the agent gets the customer's answer. The
 * open time left on the target is kept, so paused time never counts.
 */
export async function waitOnCustomer(ctx: AppContext, issueId: number, userId: string, question?: string): Promise<IssueOutcome> {
  return actOnIssue(ctx, 'wait', issueId, userId, async (tx, issue, _allowed, now) => {
    const remaining = openTimeBetween(issue.snapshot.calendar, now, issue.resolveDueAt);
    const waiting = await updateIssue(tx, issueId, { status: 'waiting', pausedAt: now, resolveRemainingMs: remaining, updatedAt: now });
    await appendEvent(tx, issueId, 'paused', userId, now, { question: question ?? null, remainingMs: remaining });
    await enqueue(tx, now,
      { issueId, kind: 'update_card', lane: issue.channel },
      { issueId, kind: 'thread_note', lane: issue.channel, payload: { note: 'paused', by: userId } },
      { issueId, kind: 'agent_waiting', lane: `user:${issue.agentId}`, payload: { by: userId, question: question ?? null } },
      ...homesOf(waiting));
    return waiting;
  });
}

/**
 * Restarts the resolution clock with the open time that was left. A target
 * already missed when the pause began stays missed.
 */
export async function resumeIssue(ctx: AppContext, issueId: number, userId: string, via: ResumeVia, answer?: string): Promise<IssueOutcome> {
  return actOnIssue(ctx, 'resume', issueId, userId, async (tx, issue, _allowed, now) => {
    const remaining = issue.resolveRemainingMs ?? 0;
    const pausedFor = now.getTime() - issue.pausedAt!.getTime();
    const resumed = await updateIssue(tx, issueId, {
      status: 'claimed',
      pausedAt: null,
      resolveRemainingMs: null,
      pausedMs: issue.pausedMs + pausedFor,
      pausedOpenMs: issue.pausedOpenMs + openTimeBetween(issue.snapshot.calendar, issue.pausedAt!, now),
      resolveDueAt: remaining > 0 ? addOpenTime(issue.snapshot.calendar, now, { days: 0, ms: remaining }) : issue.resolveDueAt,
      updatedAt: now,
    });
    await appendEvent(tx, issueId, 'resumed', userId, now, { via, pausedMs: pausedFor, answer: answer ?? null });
    await enqueue(tx, now,
      { issueId, kind: 'update_card', lane: issue.channel },
      { issueId, kind: 'thread_note', lane: issue.channel, payload: { note: 'resumed', by: userId, via, answer: answer ?? null } },
      ...homesOf(resumed));
    return resumed;
  });
}
