import type { Tx } from '../db/client.js';
import { findIssue, lockIssue } from '../db/issue-store.js';
import { lockReports, swarmSizeSince, takeSwarmTurn } from '../db/swarm-store.js';
import { rememberRequest } from '../db/request-store.js';
import { mentionUser } from '../domain/mrkdwn.js';
import { findByKey } from '../db/issue-queries.js';
import type { Change } from '../domain/issue/change.js';
import type { LinkVia, UnlinkVia } from '../domain/issue/events.js';
import type { Issue } from '../domain/issue/issue.js';
import { refuse, type Refusal } from '../domain/issue/rules.js';
import { flagOutage, followParent, linkReport, mostUrgentLevel, unlinkReport, type UrgentLevel } from '../domain/issue/swarm.js';
import { storeChange, afterCommit, type IssueOutcome, type Stored } from './act-on-issue.js';
import type { AppContext } from './context.js';
import { transact } from './request-deadline.js';

/**
 * Swarms as use cases: linking a report to its parent (at filing, or by an
 * expert), detaching it (the agent's undo, a reopen, an expert), and carrying
 * every change of a parent to its reports, in the parent's transaction.
 */

/** The matrix's most urgent level, with its calendar: where a probable outage is raised to. */
export function urgentLevel(ctx: AppContext): UrgentLevel | undefined {
  const level = mostUrgentLevel(Object.values(ctx.matrix.levels));
  const calendar = level && ctx.matrix.calendars[level.calendar];
  return level && calendar ? { level, calendar } : undefined;
}

/**
 * Stores `report` joining `parent` (both locked by the caller), with the report's
 * own change merged in first (its filing's events, when it was just filed). Then
 * checks the outage threshold. Returns what was stored, for the timer alarm.
 */
export async function storeLink(
  ctx: AppContext, tx: Tx, report: Issue, parent: Issue, now: Date,
  link: { via: LinkVia; by: string | null; score: number | null; interim: boolean; before?: Change },
): Promise<{ report: Stored; parent: Stored }> {
  const linked = linkReport(report, parent, now, link);
  const reportChange = link.before
    ? { ...linked.report, events: [...link.before.events, ...linked.report.events] }
    : linked.report;
  const storedReport = await storeChange(tx, reportChange, now, { replan: true });
  const storedParent = await storeParentChange(ctx, tx, linked.parent, now);
  return { report: storedReport, parent: storedParent };
}

/** A parent whose reports changed: stored, with the outage threshold checked on the way. */
async function storeParentChange(ctx: AppContext, tx: Tx, change: Change, now: Date): Promise<Stored> {
  const rules = change.issue.snapshot.team.swarms;
  const size = rules?.outage && !change.issue.outageAt ? await swarmSizeSince(tx, change.issue, new Date(now.getTime() - rules.outage.withinMs)) : 0;
  // The report being linked was saved first in this transaction, so the count includes it.
  const flagged = flagOutage(change.issue, size, urgentLevel(ctx), now);
  if (!flagged) return storeChange(tx, change, now, { replan: false });
  const stored = await storeChange(tx, { ...flagged, events: [...change.events, ...flagged.events], messages: [...change.messages, ...flagged.messages] }, now, { replan: true });
  return { ...stored, outage: { reports: size } };
}

/**
 * After a parent changed: its reports take its status and their agents hear
 * of it. Runs in the parent's transaction, so no report lags behind.
 */
export async function syncReports(tx: Tx, parentChange: Change, now: Date, observe?: AppContext['observe']): Promise<void> {
  if (parentChange.issue.reportCount === 0) return;
  for (const report of await lockReports(tx, parentChange.issue.id)) {
    await storeChange(tx, followParent(report, parentChange, now), now, { replan: false, observe });
  }
}

/** A report that left its swarm on its own (a reopen): its parent counts one report less. */
export async function parentLostReport(tx: Tx, before: Issue, after: Issue, via: UnlinkVia, by: string | null, now: Date): Promise<void> {
  if (before.parentId === null || after.parentId !== null) return;
  const parent = await lockIssue(tx, before.parentId);
  if (parent) await storeChange(tx, unlinkReport(before, parent, via, by, now).parent, now, { replan: false });
}

/** The same, for a parent given by key as a person typed it: the swarm's parent if it is itself a report. */
async function parentByKey(ctx: AppContext, key: string): Promise<Issue | undefined> {
  const found = await findByKey(ctx.db, key);
  if (!found || found.parentId === null) return found;
  return findIssue(ctx.db, found.parentId);
}

/**
 * An expert says the thread's issue is the same problem as another
 * (`same as ESC-12`): it becomes a report of that issue's swarm. Only the
 * team's owners or its claimer may, and only open issues without reports of their own.
 */
export async function linkByHand(ctx: AppContext, request: { issueId: number; userId: string; requestKey?: string }, parentKey: string): Promise<IssueOutcome> {
  const target = await parentByKey(ctx, parentKey);
  if (!target) return refuse('not_found', `There is no ${parentKey}.`);
  const current = await findIssue(ctx.db, request.issueId);
  if (!current) return refuse('not_found', 'That issue no longer exists.');
  const refused = await linkPermission(ctx, current, request.userId);
  if (refused) return refused;
  let stored: Stored[] = [];
  const outcome = await transact(ctx, async (tx): Promise<IssueOutcome> => {
    // Filings that may join this team's swarms wait meanwhile, so none links to an issue becoming a report.
    await takeSwarmTurn(tx, target.team);
    // Locked in id order, as every transaction that holds two issues does.
    const [first, second] = [current.id, target.id].sort((a, b) => a - b);
    const a = await lockIssue(tx, first!);
    const b = await lockIssue(tx, second!);
    const report = a?.id === current.id ? a : b;
    const parent = a?.id === target.id ? a : b;
    if (!report || !parent) return refuse('not_found', 'That issue no longer exists.');
    if (report.parentId === parent.id) return { ok: true, changed: false, issue: report, notice: `${report.key} is already a report of ${parent.key}.` };
    const wrong = linkRefusal(report, parent);
    if (wrong) return wrong;
    if (request.requestKey && !(await rememberRequest(tx, request.requestKey, ctx.now()))) return { ok: true, changed: false, issue: report, repeat: true };
    const done = await storeLink(ctx, tx, report, parent, ctx.now(), { via: 'hand', by: request.userId, score: null, interim: false });
    stored = [done.report, done.parent];
    return { ok: true, changed: true, issue: done.report.issue, notice: `${report.key} is now a report of ${parent.key}: one resolution reaches every agent.` };
  });
  afterSwarmChange(ctx, stored);
  return outcome;
}

/** The team's owners and the claimer may say an issue repeats another; asked before the picker opens too. */
export async function linkPermission(ctx: AppContext, issue: Issue, userId: string): Promise<Refusal | undefined> {
  const may = issue.claim?.by === userId || (await ctx.owners.isOwner(userId, issue.snapshot.team.owners, ctx.now()));
  return may ? undefined : refuse('not_permitted', `Only the owners of ${issue.team} or its claimer may link ${issue.key} to another issue.`);
}

function linkRefusal(report: Issue, parent: Issue): Refusal | undefined {
  if (report.id === parent.id) return refuse('wrong_state', `${report.key} is that issue.`);
  if (report.team !== parent.team) return refuse('wrong_state', `${parent.key} is with ${parent.team}, not ${report.team}: reroute ${report.key} there first.`);
  if (!parent.snapshot.team.swarms) return refuse('wrong_state', `${parent.team} does not gather reports into swarms (no \`swarms:\` for it in routing.yml).`);
  if (parent.parentId !== null) return refuse('wrong_state', `${parent.key} is itself a report of ESC-${parent.parentId}: link to ESC-${parent.parentId}.`);
  if (report.parentId !== null) return refuse('wrong_state', `${report.key} is already a report of ESC-${report.parentId}; unlink it there first.`);
  if (report.reportCount > 0) return refuse('wrong_state', `${report.key} has reports of its own; link ${parent.key} to it instead.`);
  if (report.status === 'resolved' || parent.status === 'resolved') return refuse('already_resolved', 'Only open issues can be linked.');
  // Its claim would be dropped without a word: the claimer hands it back, or links the other issue to this one.
  if (report.status !== 'unclaimed') return refuse('wrong_state', `${report.key} is claimed by ${mentionUser(report.claim.by)}: link it while unclaimed, or link ${parent.key} to it instead.`);
  return undefined;
}

/**
 * A report leaves its swarm: the agent's undo right after filing ("different
 * problem"), or an expert's `unlink ESC-15` in the parent's thread. It gets its
 * own card and its own clocks.
 */
export async function unlink(ctx: AppContext, request: { issueId: number; userId: string; requestKey?: string }, via: 'undo' | 'hand'): Promise<IssueOutcome> {
  const current = await findIssue(ctx.db, request.issueId);
  if (!current) return refuse('not_found', 'That issue no longer exists.');
  if (current.parentId === null) return { ok: true, changed: false, issue: current, notice: `${current.key} is not linked to another issue.` };
  const parentNow = await findIssue(ctx.db, current.parentId);
  const allowed = via === 'undo'
    ? current.agentId === request.userId
    : parentNow && (parentNow.claim?.by === request.userId || (await ctx.owners.isOwner(request.userId, parentNow.snapshot.team.owners, ctx.now())));
  if (!allowed) return refuse('not_permitted', via === 'undo' ? `Only the agent who escalated ${current.key} may undo its link.` : `Only the owners of ${current.team} or the claimer may unlink ${current.key}.`);
  let stored: Stored[] = [];
  const outcome = await transact(ctx, async (tx): Promise<IssueOutcome> => {
    const parent = await lockIssue(tx, current.parentId!);
    const report = await lockIssue(tx, current.id);
    if (!report || !parent || report.parentId !== parent.id) return { ok: true, changed: false, issue: report ?? current, notice: `${current.key} is not linked to another issue.` };
    if (report.status === 'resolved') return refuse('already_resolved', `${report.key} was resolved with ${parent.key}. If the customer still has the problem, reopen it: it then gets its own card.`);
    if (request.requestKey && !(await rememberRequest(tx, request.requestKey, ctx.now()))) return { ok: true, changed: false, issue: report, repeat: true };
    const now = ctx.now();
    const split = unlinkReport(report, parent, via, request.userId, now);
    stored = [await storeChange(tx, split.report, now, { replan: true }), await storeChange(tx, split.parent, now, { replan: false })];
    return { ok: true, changed: true, issue: stored[0]!.issue, notice: `${report.key} is no longer a report of ${parent.key}. It gets its own card and its own targets.` };
  });
  afterSwarmChange(ctx, stored);
  return outcome;
}

function afterSwarmChange(ctx: AppContext, stored: Stored[]): void {
  if (!stored.length) return;
  for (const s of stored) afterCommit(ctx, s);
  ctx.log.info({ issues: stored.map((s) => s.issue.key) }, 'swarm changed');
  ctx.kickOutbox();
}
