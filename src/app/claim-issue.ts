import { claim, unclaim } from '../domain/issue/transitions.js';
import type { ClaimVia } from '../domain/issue/events.js';
import type { AppContext } from './context.js';
import { actOnIssue, type ActionRequest, type IssueOutcome } from './act-on-issue.js';

export type { ClaimVia } from '../domain/issue/events.js';

/** Claims an issue: owners only, first claim wins, a repeat by the claimer changes nothing. */
export function claimIssue(ctx: AppContext, request: ActionRequest, via: ClaimVia): Promise<IssueOutcome> {
  return actOnIssue(ctx, request, (issue, actor, now) => claim(issue, actor, now, via));
}

/** Hands the issue back to the team's queue; its acknowledgement clock starts again now. */
export function unclaimIssue(ctx: AppContext, request: ActionRequest): Promise<IssueOutcome> {
  return actOnIssue(ctx, request, unclaim);
}
