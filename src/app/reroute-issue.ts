import { addOpenTime } from '../domain/calendar.js';
import type { Refusal } from '../domain/issue-rules.js';
import { appendEvent, updateIssue } from '../db/issue-store.js';
import { enqueue } from '../db/outbox-store.js';
import type { AppContext } from './context.js';
import { actOnIssue, type IssueOutcome } from './act-on-issue.js';
import { homesOf } from './home-refresh.js';

/**
 * Moves an issue to another team: a new card in that team's channel, the old
 * card pointing to it, the agent told. The acknowledgement target restarts for
 * the new team; the resolution target keeps counting from filing, because the
 * customer has been waiting all along.
 */
export async function rerouteIssue(ctx: AppContext, issueId: number, userId: string, toTeam: string, reason: string): Promise<IssueOutcome> {
  const team = ctx.matrix.teams[toTeam];
  if (!team) return { ok: false, code: 'wrong_state', message: `There is no team "${toTeam}" any more.` } satisfies Refusal;
  return actOnIssue(ctx, 'reroute', issueId, userId, async (tx, issue, _allowed, now) => {
    if (issue.team === toTeam) return null;
    const { calendar, level } = issue.snapshot;
    const moved = await updateIssue(tx, issueId, {
      team: team.key,
      channel: team.channel,
      snapshot: { ...issue.snapshot, team },
      cardTs: null,
      cardUrl: null,
      status: 'open',
      claimerId: null,
      claimedAt: null,
      ackStartedAt: now,
      ackDueAt: addOpenTime(calendar, now, level.ack),
      ackNudgesSent: 0,
      ackTier: 0,
      rerouteCount: issue.rerouteCount + 1,
      updatedAt: now,
    });
    const from = { team: issue.team, channel: issue.channel, ts: issue.cardTs };
    await appendEvent(tx, issueId, 'rerouted', userId, now, { from: from.team, to: team.key, reason });
    await enqueue(tx, now,
      { issueId, kind: 'post_card', lane: team.channel, payload: { reroute: { ...from, by: userId, reason } } },
      ...homesOf(moved, issue.claimerId, ...issue.snapshot.team.owners));
    return moved;
  });
}
