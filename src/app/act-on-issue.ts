import type { Tx } from '../db/client.js';
import { findIssue, lockIssue } from '../db/issue-store.js';
import type { IssueRow } from '../db/schema.js';
import { decide, type Actor, type Decision, type IssueState, type Refusal } from '../domain/issue-rules.js';
import type { IssueAction } from '../domain/permissions.js';
import type { AppContext } from './context.js';
import { replanClock } from './replan-clock.js';

export type IssueOutcome = Decision<{ issue: IssueRow; changed: boolean }>;

/** The decision for one action from the permissions table, in the shape actOnIssue takes. */
const rule = (action: IssueAction) => (state: IssueState, actor: Actor, now: Date) => decide(action, state, actor, now);

const notFound = (): Refusal => ({ ok: false, code: 'not_permitted', message: 'That issue no longer exists.' });

export const stateOf = (issue: IssueRow): IssueState => ({ ...issue, owners: issue.snapshot.team.owners });

/** The decision that allowed an action, handed to the code that carries it out. */
type Allowed<D> = Extract<D, { ok: true }>;

/** May `userId` do `action` now? Asked before a form opens, so that refusals come before typing. */
export async function mayAct(ctx: AppContext, issueId: number, userId: string, action: IssueAction): Promise<Decision<{ issue: IssueRow }>> {
  const issue = await findIssue(ctx.db, issueId);
  if (!issue) return notFound();
  const isOwner = await ctx.owners.isOwner(userId, issue.snapshot.team.owners, ctx.now());
  const decision = decide(action, stateOf(issue), { userId, isOwner }, ctx.now());
  return decision.ok ? { ok: true, issue } : decision;
}

/**
 * The shape of every action on an issue: decide under a row lock, apply, then
 * replan its reminders and escalations from the new state.
 * Owner lookups may call Slack, so they happen before the transaction; the
 * decision is taken again under the lock, so concurrent actions see each other.
 * `apply` returns the updated issue, or null when there is nothing to change.
 */
export async function actOnIssue<D extends Decision<object>>(
  ctx: AppContext,
  action: IssueAction,
  issueId: number,
  userId: string,
  apply: (tx: Tx, issue: IssueRow, allowed: Allowed<D>, now: Date) => Promise<IssueRow | null>,
  /** Only claim needs its own decision (a repeat claim is allowed and changes nothing); the rest follow the table. */
  decide?: (state: IssueState, actor: Actor, now: Date) => D,
): Promise<IssueOutcome> {
  const decideFor = decide ?? (rule(action) as unknown as (state: IssueState, actor: Actor, now: Date) => D);
  const current = await findIssue(ctx.db, issueId);
  if (!current) return notFound();
  const isOwner = await ctx.owners.isOwner(userId, current.snapshot.team.owners, ctx.now());
  const outcome = await ctx.db.transaction(async (tx): Promise<IssueOutcome> => {
    const issue = (await lockIssue(tx, issueId))!;
    const decision = decideFor(stateOf(issue), { userId, isOwner }, ctx.now());
    if (!decision.ok) return decision as IssueOutcome;
    const now = ctx.now();
    const updated = await apply(tx, issue, decision as Allowed<D>, now);
    if (!updated) return { ok: true, issue, changed: false };
    return { ok: true, issue: await replanClock(tx, updated, now), changed: true };
  });
  if (outcome.ok && outcome.changed) {
    ctx.log.info({ issue: outcome.issue.key, action, by: userId, status: outcome.issue.status }, `issue ${action}`);
    ctx.kickOutbox();
  } else if (!outcome.ok) {
    ctx.log.debug({ issue: current.key, action, by: userId, refusal: outcome.code }, `${action} refused`);
  }
  return outcome;
}
