import { decideClaim } from '../domain/issue-rules.js';
import { addOpenTime, openTimeBetween } from '../domain/calendar.js';
import { appendEvent, updateIssue } from '../db/issue-store.js';
import { enqueue } from '../db/outbox-store.js';
import type { AppContext } from './context.js';
import { actOnIssue, type IssueOutcome } from './act-on-issue.js';
import { homesOf } from './home-refresh.js';

export type ClaimVia = 'button' | 'reply' | 'reaction';

/** Claims an issue for `userId`: owners only, first claim wins. */
export async function claimIssue(ctx: AppContext, issueId: number, userId: string, via: ClaimVia): Promise<IssueOutcome> {
  return actOnIssue(ctx, 'claim', issueId, userId, async (tx, issue, allowed: { alreadyYours: boolean }, now) => {
    if (allowed.alreadyYours) return null;
    const ackBusinessMs = openTimeBetween(issue.snapshot.calendar, issue.ackStartedAt, now);
    const claimed = await updateIssue(tx, issueId, { status: 'claimed', claimerId: userId, claimedAt: now, ackBusinessMs, updatedAt: now });
    await appendEvent(tx, issueId, 'claimed', userId, now, { via, afterMs: now.getTime() - issue.ackStartedAt.getTime() });
    await enqueue(tx, now, { issueId, kind: 'update_card', lane: issue.channel }, ...homesOf(claimed));
    return claimed;
  }, decideClaim);
}

/** Hands the issue back to the team's queue; its acknowledgement clock starts again now. */
export async function unclaimIssue(ctx: AppContext, issueId: number, userId: string): Promise<IssueOutcome> {
  return actOnIssue(ctx, 'unclaim', issueId, userId, async (tx, issue, _allowed, now) => {
    const { calendar, level } = issue.snapshot;
    const open = await updateIssue(tx, issueId, {
      status: 'open', claimerId: null, claimedAt: null, ackStartedAt: now, ackDueAt: addOpenTime(calendar, now, level.ack),
      ackNudgesSent: 0, ackTier: 0, updatedAt: now,
    });
    await appendEvent(tx, issueId, 'unclaimed', userId, now, { previousClaimer: issue.claimerId });
    await enqueue(tx, now,
      { issueId, kind: 'update_card', lane: issue.channel },
      { issueId, kind: 'thread_note', lane: issue.channel, payload: { note: 'unclaimed', by: userId } },
      ...homesOf(open, issue.claimerId));
    return open;
  });
}
