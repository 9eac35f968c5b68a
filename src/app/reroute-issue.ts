import { teamNamed } from '../domain/routing/matrix.js';
import { reroute } from '../domain/issue/transitions.js';
import type { AppContext } from './context.js';
import { actOnIssue, type ActionRequest, type IssueOutcome } from './act-on-issue.js';

/** Moves an issue to the team named `toTeam`, with the matrix's current owners and chain for that team. */
export function rerouteIssue(ctx: AppContext, request: ActionRequest, toTeam: string, reason: string): Promise<IssueOutcome> {
  const to = { name: toTeam, team: teamNamed(ctx.matrix, toTeam) };
  return actOnIssue(ctx, request, (issue, actor, now) => reroute(issue, actor, now, to, reason));
}
