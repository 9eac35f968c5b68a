import { openTimeBetween } from '../domain/calendar.js';
import { appendEvent, updateIssue } from '../db/issue-store.js';
import { enqueue } from '../db/outbox-store.js';
import type { AppContext } from './context.js';
import { homesOf } from './home-refresh.js';
import { actOnIssue, type IssueOutcome } from './act-on-issue.js';

/**
 * Resolves an issue with what to tell the customer: the card shows it, the thread
 * gets the note, and the escalating agent hears back by DM. The loop closes.
 */
export async function resolveIssue(ctx: AppContext, issueId: number, userId: string, note: string): Promise<IssueOutcome> {
  return actOnIssue(ctx, 'resolve', issueId, userId, async (tx, issue, _allowed, now) => {
    const { calendar } = issue.snapshot;
    // A pause still running when the issue is resolved does not count either.
    const pausedOpenMs = issue.pausedOpenMs + (issue.pausedAt ? openTimeBetween(calendar, issue.pausedAt, now) : 0);
    const resolved = await updateIssue(tx, issueId, {
      status: 'resolved',
      resolution: note,
      resolvedAt: now,
      resolvedBy: userId,
      // Resolving an unclaimed issue acknowledges it too.
      claimerId: issue.claimerId ?? userId,
      claimedAt: issue.claimedAt ?? now,
      ackBusinessMs: issue.ackBusinessMs ?? openTimeBetween(calendar, issue.ackStartedAt, now),
      resolveBusinessMs: openTimeBetween(calendar, issue.filedAt, now) - pausedOpenMs,
      pausedOpenMs,
      pausedAt: null,
      resolveRemainingMs: null,
      pausedMs: issue.pausedMs + (issue.pausedAt ? now.getTime() - issue.pausedAt.getTime() : 0),
      updatedAt: now,
    });
    await appendEvent(tx, issueId, 'resolved', userId, now, { note });
    await enqueue(
      tx,
      now,
      { issueId, kind: 'update_card', lane: issue.channel },
      { issueId, kind: 'resolution_in_thread', lane: issue.channel },
      { issueId, kind: 'agent_resolved', lane: `user:${issue.agentId}` },
      ...homesOf(issue),
    );
    return resolved;
  });
}
