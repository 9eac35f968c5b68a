import { addOpenTime, openTimeBetween } from '../domain/calendar.js';
import { appendEvent, updateIssue } from '../db/issue-store.js';
import { enqueue } from '../db/outbox-store.js';
import type { AppContext } from './context.js';
import { actOnIssue, type IssueOutcome } from './act-on-issue.js';
import { homesOf } from './home-refresh.js';

/**
 * The customer still has the problem: the issue goes back to the same claimer,
 * with a fresh resolution target from now, and counts as reopened in reports.
 */
export async function reopenIssue(ctx: AppContext, issueId: number, userId: string, reason: string): Promise<IssueOutcome> {
  return actOnIssue(ctx, 'reopen', issueId, userId, async (tx, issue, _allowed, now) => {
    const { calendar, level } = issue.snapshot;
    const resolveDueAt = addOpenTime(calendar, now, level.resolve);
    const reopened = await updateIssue(tx, issueId, {
      status: 'claimed',
      claimerId: issue.claimerId ?? issue.resolvedBy,
      resolvedAt: null,
      resolvedBy: null,
      resolution: null,
      resolveDueAt,
      resolveTargetMs: openTimeBetween(calendar, now, resolveDueAt),
      resolveNudgesSent: 0,
      resolveTier: 0,
      reopenCount: issue.reopenCount + 1,
      updatedAt: now,
    });
    await appendEvent(tx, issueId, 'reopened', userId, now, { reason, previousResolution: issue.resolution });
    await enqueue(tx, now,
      { issueId, kind: 'update_card', lane: issue.channel },
      { issueId, kind: 'thread_note', lane: issue.channel, payload: { note: 'reopened', by: userId, reason } },
      ...homesOf(reopened));
    return reopened;
  });
}
