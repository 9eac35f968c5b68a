import { resolve } from '../domain/issue/transitions.js';
import type { AppContext } from './context.js';
import { actOnIssue, type ActionRequest, type IssueOutcome } from './act-on-issue.js';

/** Resolves with what to tell the customer; the agent hears back by DM. */
export function resolveIssue(ctx: AppContext, request: ActionRequest, note: string): Promise<IssueOutcome> {
  return actOnIssue(ctx, request, (issue, actor, now) => resolve(issue, actor, now, note));
}
