import { addOpenTime, openTimeBetween } from '../calendar.js';
import type { Team } from '../routing/matrix.js';
import type { IssueSnapshot } from '../routing/route-issue.js';
import { changed, homeRefreshes, unchanged, updateCard, type Change, type Outcome } from './change.js';
import { event, type ClaimVia, type ResumeVia } from './events.js';
import {
  common, type AckClock, type ClaimedIssue, type Issue, type ResolvedIssue, type UnclaimedIssue, type WaitingIssue,
} from './issue.js';
import { refuse, refusalFor, type Actor } from './rules.js';

/**
 * Everything people do to an issue, as pure functions of the issue, the actor
 * and `now`. Each checks the permission table and the issue's state first, and
 * refuses with a stable code; otherwise it returns the next state, the events
 * and the messages. Use cases store the result; nothing here touches I/O.
 */

/** Business time since the acknowledgement clock started; an acknowledgement is late after its target. */
function acknowledgement(issue: UnclaimedIssue, now: Date, via: ClaimVia, by: string) {
  const ackMs = openTimeBetween(issue.snapshot.calendar, issue.ack.startedAt, now);
  return event('claimed', by, { via, ackMs, late: now > issue.ack.dueAt });
}

/** A fresh acknowledgement target from `now`: after an unclaim or a reroute. */
function freshAck({ calendar, level }: IssueSnapshot, now: Date): AckClock {
  return { startedAt: now, dueAt: addOpenTime(calendar, now, level.ack), nudgesSent: 0, tier: 0 };
}

/**
 * Ends a pause, however it ends (resumed, handed back or resolved): the paused
 * open time is set aside, and the resolution target moves by exactly that much.
 * A target already missed when the pause began stays missed.
 */
function endPause(issue: WaitingIssue, now: Date) {
  const { calendar } = issue.snapshot;
  const { since, remainingMs } = issue.pause;
  const dueAt = remainingMs > 0 ? addOpenTime(calendar, now, { days: 0, ms: remainingMs }) : issue.resolve.dueAt;
  const pausedOpenMs = issue.resolve.pausedOpenMs + openTimeBetween(calendar, since, now);
  return {
    base: { ...common(issue), resolve: { ...issue.resolve, dueAt, pausedOpenMs }, pausedMs: issue.pausedMs + (now.getTime() - since.getTime()) },
    pausedMs: now.getTime() - since.getTime(),
  };
}

export function claim(issue: Issue, actor: Actor, now: Date, via: ClaimVia): Outcome {
  if (issue.status !== 'resolved' && issue.claim?.by === actor.userId) return unchanged(issue, `You have already claimed ${issue.key}.`);
  const refused = refusalFor('claim', issue, actor, now);
  if (refused) return refused;
  if (issue.status !== 'unclaimed') return refuse('wrong_state', `${issue.key} cannot be claimed now.`);
  const next: ClaimedIssue = { ...common(issue), status: 'claimed', claim: { by: actor.userId, at: now } };
  return changed(next, [acknowledgement(issue, now, via, actor.userId)], [updateCard(next), ...homeRefreshes(next)]);
}

/** Hands the issue back to the team's queue; its acknowledgement clock starts again now. */
export function unclaim(issue: Issue, actor: Actor, now: Date): Outcome {
  const refused = refusalFor('unclaim', issue, actor, now);
  if (refused) return refused;
  if (issue.status !== 'claimed' && issue.status !== 'waiting') return refuse('wrong_state', `${issue.key} is not claimed.`);
  const paused = issue.status === 'waiting' ? endPause(issue, now) : undefined;
  const next: UnclaimedIssue = { ...(paused?.base ?? common(issue)), status: 'unclaimed', ack: freshAck(issue.snapshot, now) };
  const events = [
    ...(paused ? [event('resumed', actor.userId, { via: 'unclaim', pausedMs: paused.pausedMs, answer: null })] : []),
    event('unclaimed', actor.userId, { previousClaimer: issue.claim.by }),
  ];
  return changed(next, events, [
    updateCard(next),
    { kind: 'thread_note', issueId: issue.id, channel: issue.channel, note: { note: 'unclaimed', by: actor.userId } },
    ...homeRefreshes(next, issue.claim.by),
  ]);
}

/** Pauses the resolution clock while the agent gets the customer's answer; the open time left is kept. */
export function wait(issue: Issue, actor: Actor, now: Date, question: string | null): Outcome {
  const refused = refusalFor('wait', issue, actor, now);
  if (refused) return refused;
  if (issue.status !== 'claimed') return refuse('wrong_state', `${issue.key} must be claimed before it can wait on the customer.`);
  const remainingMs = openTimeBetween(issue.snapshot.calendar, now, issue.resolve.dueAt);
  const next: WaitingIssue = { ...common(issue), status: 'waiting', claim: issue.claim, pause: { since: now, remainingMs } };
  return changed(next, [event('paused', actor.userId, { question, remainingMs })], [
    updateCard(next),
    { kind: 'thread_note', issueId: issue.id, channel: issue.channel, note: { note: 'paused', by: actor.userId } },
    { kind: 'agent_waiting', issueId: issue.id, agentId: issue.agentId, by: actor.userId, question },
    ...homeRefreshes(next),
  ]);
}

/** Restarts the resolution clock with the open time that was left. */
export function resume(issue: Issue, actor: Actor, now: Date, via: ResumeVia, answer: string | null): Outcome {
  const refused = refusalFor('resume', issue, actor, now);
  if (refused) return refused;
  if (issue.status !== 'waiting') return refuse('wrong_state', `${issue.key} is not waiting on the customer.`);
  const { base, pausedMs } = endPause(issue, now);
  const next: ClaimedIssue = { ...base, status: 'claimed', claim: issue.claim };
  return changed(next, [event('resumed', actor.userId, { via, pausedMs, answer })], [
    updateCard(next),
    { kind: 'thread_note', issueId: issue.id, channel: issue.channel, note: { note: 'resumed', by: actor.userId, via, answer } },
    ...homeRefreshes(next),
  ]);
}

/**
 * Moves the issue to another team: a new card in that team's channel, the old
 * card pointing to it, the agent told. The acknowledgement target restarts for
 * the new team, with its current owners and chain; the resolution target keeps
 * counting from filing, because the customer has been waiting all along.
 */
export function reroute(issue: Issue, actor: Actor, now: Date, to: { name: string; team: Team | undefined }, reason: string): Outcome {
  const refused = refusalFor('reroute', issue, actor, now);
  if (refused) return refused;
  if (issue.status !== 'unclaimed' && issue.status !== 'claimed') return refuse('wrong_state', `${issue.key} cannot be rerouted now.`);
  const { team } = to;
  if (!team) return refuse('unknown_team', `There is no team "${to.name}" in the routing matrix.`);
  if (team.key === issue.team) return refuse('same_team', `${issue.key} is already with ${team.key}.`);
  const moved = { ...common(issue), team: team.key, channel: team.channel, snapshot: { ...issue.snapshot, team }, card: null, postError: null };
  const next: UnclaimedIssue = { ...moved, status: 'unclaimed', ack: freshAck(moved.snapshot, now), rerouteCount: issue.rerouteCount + 1 };
  const movedFrom = { team: issue.team, channel: issue.channel, ts: issue.card?.ts ?? null, by: actor.userId, reason };
  return changed(next, [event('rerouted', actor.userId, { from: issue.team, to: team.key, reason })], [
    { kind: 'post_card', issueId: issue.id, channel: team.channel, interim: false, movedFrom },
    ...homeRefreshes(next, issue.claim?.by, ...issue.snapshot.team.owners),
  ]);
}

/**
 * Resolves with what to tell the customer: the card shows it, the thread gets
 * the note, and the agent hears back by DM. The loop closes. An owner resolving
 * an unclaimed issue acknowledges it too; a pause still running ends here.
 */
export function resolve(issue: Issue, actor: Actor, now: Date, note: string): Outcome {
  const refused = refusalFor('resolve', issue, actor, now);
  if (refused) return refused;
  if (issue.status === 'resolved') return refuse('already_resolved', `${issue.key} is already resolved.`);
  const base = issue.status === 'waiting' ? endPause(issue, now).base : common(issue);
  const late = issue.status === 'waiting' ? issue.pause.remainingMs <= 0 : now > issue.resolve.dueAt;
  const resolveMs = Math.max(0, openTimeBetween(issue.snapshot.calendar, base.resolve.startedAt, now) - base.resolve.pausedOpenMs);
  const next: ResolvedIssue = {
    ...base, status: 'resolved', claim: issue.claim ?? { by: actor.userId, at: now }, resolution: { by: actor.userId, at: now, note },
  };
  const acknowledged = issue.status === 'unclaimed' ? [acknowledgement(issue, now, 'resolve', actor.userId)] : [];
  const firstTime = issue.reopenCount === 0 && issue.rerouteCount === 0;
  return changed(next, [...acknowledged, event('resolved', actor.userId, { note, resolveMs, late, firstTime })], [
    updateCard(next),
    { kind: 'resolution_in_thread', issueId: issue.id, channel: issue.channel, by: actor.userId, note },
    { kind: 'agent_resolved', issueId: issue.id, agentId: issue.agentId, by: actor.userId, note },
    ...homeRefreshes(next),
  ]);
}

/**
 * The customer still has the problem: back to the same expert, with a fresh
 * resolution target from now. A report of a swarm leaves it (its parent's fix
 * did not work for this customer) and gets a card of its own.
 */
export function reopen(issue: Issue, actor: Actor, now: Date, reason: string): Outcome {
  const refused = refusalFor('reopen', issue, actor, now);
  if (refused) return refused;
  if (issue.status !== 'resolved') return refuse('wrong_state', `${issue.key} is not resolved, so there is nothing to reopen.`);
  const { calendar, level } = issue.snapshot;
  const dueAt = addOpenTime(calendar, now, level.resolve);
  const detached = issue.parentId !== null;
  const next: ClaimedIssue = {
    ...common(issue),
    status: 'claimed',
    claim: issue.claim,
    resolve: { startedAt: now, dueAt, targetMs: openTimeBetween(calendar, now, dueAt), pausedOpenMs: 0, nudgesSent: 0, tier: 0 },
    reopenCount: issue.reopenCount + 1,
    ...(detached ? { parentId: null } : {}),
  };
  const reopened = event('reopened', actor.userId, { reason, previousResolution: issue.resolution.note });
  const left = detached ? [event('unlinked', actor.userId, { parent: `ESC-${issue.parentId}`, via: 'reopen' })] : [];
  // A report that never had a card of its own gets its first one.
  if (!next.card) return changed(next, [...left, reopened], [{ kind: 'post_card', issueId: issue.id, channel: issue.channel, interim: false }, ...homeRefreshes(next)]);
  return changed(next, [...left, reopened], [
    updateCard(next),
    { kind: 'thread_note', issueId: issue.id, channel: issue.channel, note: { note: 'reopened', by: actor.userId, reason } },
    ...homeRefreshes(next),
  ]);
}

/**
 * An owner answered in the card's thread without claiming: the team has
 * responded, but nobody owns the issue yet. Only the first such reply counts.
 */
export function respond(issue: Issue, actor: Actor, now: Date): Change {
  if (issue.status !== 'unclaimed' || !actor.isOwner || issue.firstResponseAt) return unchanged(issue);
  return changed({ ...issue, firstResponseAt: now }, [event('first_response', actor.userId, {})], []);
}
