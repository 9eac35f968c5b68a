import { reopen } from '../domain/issue/transitions.js';
import type { AppContext } from './context.js';
import { actOnIssue, type ActionRequest, type IssueOutcome } from './act-on-issue.js';

/** The customer still has the problem: back to the same expert, with a fresh resolution target. */
export function reopenIssue(ctx: AppContext, request: ActionRequest, reason: string): Promise<IssueOutcome> {
  return actOnIssue(ctx, request, (issue, actor, now) => reopen(issue, actor, now, reason));
}
