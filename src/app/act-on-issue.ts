import type { Tx } from '../db/client.js';
import { appendEvents, findIssue, lockIssue, saveIssue } from '../db/issue-store.js';
import { enqueue } from '../db/outbox-store.js';
import { rememberRequest, requestSeen } from '../db/request-store.js';
import { replaceTimers } from '../db/timer-store.js';
import { planTimers } from '../domain/escalation-plan.js';
import type { Change, Outcome } from '../domain/issue/change.js';
import type { Issue } from '../domain/issue/issue.js';
import { refuse, refusalFor, type Actor, type IssueAction, type Refusal } from '../domain/issue/rules.js';
import type { AppContext } from './context.js';
import { transact } from './request-deadline.js';
import { parentLostReport, syncReports } from './swarms.js';

/**
 * What an action on an issue came to: refused (with a stable code), done, or
 * nothing to do. `repeat` marks a Slack request that had already acted: a
 * replayed click or a form submitted twice changes nothing the second time.
 */
export type IssueOutcome = Refusal | { ok: true; issue: Issue; changed: boolean; notice?: string; repeat?: boolean };

/** One person's action: who, on which issue, and the Slack request that carried it (click or form), if any. */
export interface ActionRequest {
  issueId: number;
  userId: string;
  requestKey?: string;
  /**
   * On a report of a swarm, act on its parent instead, with the report's agent
   * counting as an agent of the parent: an agent passing on their customer's answer.
   */
  viaReport?: boolean;
}

const notFound = (): Refusal => refuse('not_found', 'That issue no longer exists.');

/** Who the person is to this issue. Owner lookups may call Slack, so they run before any transaction. */
async function actorFor(ctx: AppContext, issue: Issue, userId: string): Promise<Actor> {
  return { userId, isOwner: await ctx.owners.isOwner(userId, issue.snapshot.team.owners, ctx.now()) };
}

/** May this person do `action` now? Asked before a form opens, so that refusals come before typing. */
export async function mayAct(ctx: AppContext, issueId: number, userId: string, action: IssueAction): Promise<Refusal | { ok: true; issue: Issue }> {
  const issue = await findIssue(ctx.db, issueId);
  if (!issue) return notFound();
  return refusalFor(action, issue, await actorFor(ctx, issue, userId), ctx.now()) ?? { ok: true, issue };
}

/**
 * Stores what a transition decided, in the caller's transaction: the issue's new
 * state, its events, its messages and, when `replan`, its reminders and
 * escalations planned afresh from the new state. `stored`: the caller already
 * wrote the issue's row as the change left it (`inserted`: just filed, so it has
 * no timers yet). The writes after the issue's own are independent, so they go
 * together: one round trip instead of several.
 */
export async function storeChange(tx: Tx, change: Change, now: Date, options: { replan: boolean; stored?: 'inserted' | 'updated'; observe?: AppContext['observe'] }): Promise<Stored> {
  const plan = options.replan ? planTimers(change.issue, now) : undefined;
  const cancelOld = options.stored !== 'inserted';
  let issue = change.issue;
  // A new plan raises the fence, so a timer of the old plan that another instance already claimed does nothing.
  if (plan && cancelOld) issue = { ...issue, clockFence: issue.clockFence + 1 };
  if (!options.stored || (plan && cancelOld)) issue = await saveIssue(tx, issue, now);
  await Promise.all([
    appendEvents(tx, issue, change.events, now),
    enqueue(tx, now, ...change.messages),
    plan && replaceTimers(tx, issue, plan, { cancelOld }),
  ]);
  options.observe?.(issue, change.events);
  if (!plan) return { issue };
  return { issue, firstDue: plan.reduce<Date | undefined>((first, t) => (!first || t.dueAt < first ? t.dueAt : first), undefined) };
}

/** What was stored, and when the first of its newly planned reminders or escalations falls due. */
export interface Stored {
  issue: Issue;
  firstDue?: Date;
  /** A parent flagged as a probable outage by this change, with its reports: said in the log once committed. */
  outage?: { reports: number };
}

/**
 * What a stored change leads to once its transaction has committed: this
 * instance's timer alarm woken for what was just planned, and a probable outage
 * told to the log (never before: a transaction that rolled back flagged nothing).
 */
export function afterCommit(ctx: AppContext, stored: Stored): void {
  if (stored.firstDue) ctx.wakeTimersAt?.(stored.firstDue);
  if (stored.outage) ctx.log.warn({ issue: stored.issue.key, reports: stored.outage.reports }, 'probable outage: swarm crossed its threshold');
}

/**
 * Every action on an issue has this shape: load it under its row lock, let the
 * pure transition decide, then store the result in the same transaction. The
 * row lock serialises concurrent actions on one issue, so each sees the others'
 * results; a request already recorded acts at most once.
 */
export async function actOnIssue(
  ctx: AppContext,
  request: ActionRequest,
  transition: (issue: Issue, actor: Actor, now: Date) => Outcome,
): Promise<IssueOutcome> {
  const { userId, requestKey } = request;
  const asked = await findIssue(ctx.db, request.issueId);
  if (!asked) return notFound();
  const throughReport = request.viaReport && asked.parentId !== null ? asked : undefined;
  const current = throughReport ? await findIssue(ctx.db, throughReport.parentId!) : asked;
  if (!current) return notFound();
  const issueId = current.id;
  const actor = { ...(await actorFor(ctx, current, userId)), reportAgent: throughReport?.agentId === userId };
  let happened: string[] = [];
  let stored: Stored | undefined;
  const outcome = await transact(ctx, async (tx): Promise<IssueOutcome> => {
    // A parent is always locked before its reports (see syncReports): a report's own action (a reopen) takes it first too.
    if (current.parentId !== null) await lockIssue(tx, current.parentId);
    const issue = (await lockIssue(tx, issueId))!;
    if (requestKey && (await requestSeen(tx, requestKey))) return { ok: true, issue, changed: false, repeat: true };
    const now = ctx.now();
    const decided = transition(issue, actor, now);
    if (!decided.ok || !decided.changed) return decided;
    // Recorded only when it acts: a refused form stays open, and its corrected submission must still count.
    if (requestKey) await rememberRequest(tx, requestKey, now);
    happened = decided.events.map((e) => e.type);
    stored = await storeChange(tx, decided, now, { replan: true, observe: ctx.observe });
    // A parent's reports follow it; a report that left (a reopen) leaves its parent one report less.
    await syncReports(tx, { ...decided, issue: stored.issue }, now, ctx.observe);
    await parentLostReport(tx, issue, stored.issue, 'reopen', userId, now);
    return { ok: true, changed: true, issue: stored.issue };
  });
  if (stored) afterCommit(ctx, stored);
  if (outcome.ok && outcome.changed) {
    ctx.log.info({ issue: outcome.issue.key, by: userId, events: happened, status: outcome.issue.status }, 'issue changed');
    ctx.kickOutbox();
  } else if (!outcome.ok) {
    ctx.log.debug({ issue: current.key, by: userId, refusal: outcome.code }, 'action refused');
  }
  return outcome;
}
