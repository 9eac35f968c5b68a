import type { ResumeVia } from '../domain/issue/events.js';
import { resume, wait } from '../domain/issue/transitions.js';
import type { AppContext } from './context.js';
import { actOnIssue, type ActionRequest, type IssueOutcome } from './act-on-issue.js';

export type { ResumeVia } from '../domain/issue/events.js';

/** Pauses the resolution clock and asks the agent for the customer's answer. */
export function waitOnCustomer(ctx: AppContext, request: ActionRequest, question: string | null): Promise<IssueOutcome> {
  return actOnIssue(ctx, request, (issue, actor, now) => wait(issue, actor, now, question));
}

/**
 * Restarts the resolution clock: the expert resumed, or the agent passed on the
 * customer's answer. An answer about a report of a swarm resumes its parent.
 */
export function resumeIssue(ctx: AppContext, request: ActionRequest, via: ResumeVia, answer: string | null = null): Promise<IssueOutcome> {
  return actOnIssue(ctx, { ...request, viaReport: true }, (issue, actor, now) => resume(issue, actor, now, via, answer));
}
