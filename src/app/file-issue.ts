import { insertIssue } from '../db/issue-store.js';
import { issueForRequest, linkRequest, rememberRequest } from '../db/request-store.js';
import { filed, newIssue, type Filing } from '../domain/issue/filing.js';
import type { Issue, UnclaimedIssue } from '../domain/issue/issue.js';
import { routeWithReasons } from '../domain/routing/route-issue.js';
import { storeChange, wakeFor } from './act-on-issue.js';
import type { AppContext } from './context.js';
import { transact } from './request-deadline.js';

export interface FileIssueInput extends Omit<Filing, 'details' | 'customerRef' | 'agentChannel' | 'responseUrl'> {
  details?: string;
  customerRef?: string;
  agentChannel?: string;
  responseUrl?: string;
  /** True when the agent was already shown "filed": their confirmation replaces it. */
  interim?: boolean;
  /** Identifies the Slack request (trigger_id, view id): a retry files nothing new. */
  requestKey: string;
}

export interface FileIssueResult {
  issue: Issue;
  /** True when this request had already filed the issue. */
  duplicate: boolean;
}

/**
 * Stores and routes a new issue, and queues its card for the team channel. The
 * card is posted after commit by the outbox, so a Slack failure never loses the issue.
 */
export async function fileIssue(ctx: AppContext, input: FileIssueInput): Promise<FileIssueResult> {
  const now = ctx.now();
  const filing: Filing = {
    category: input.category, level: input.level, origin: input.origin, summary: input.summary,
    details: input.details ?? null, customerRef: input.customerRef ?? null,
    agentId: input.agentId, agentChannel: input.agentChannel ?? null, responseUrl: input.responseUrl ?? null,
  };
  // Routing runs once per filing: its reasons go into the timeline, its result into the issue.
  const { routed, route } = routeWithReasons(ctx.matrix, filing, now);
  const result = await transact(ctx, async (tx) => {
    if (!(await rememberRequest(tx, input.requestKey, now))) {
      return { issue: (await issueForRequest(tx, input.requestKey))!, duplicate: true, stored: undefined };
    }
    const issue = (await insertIssue(tx, newIssue(filing, routed, now), now)) as UnclaimedIssue;
    await linkRequest(tx, input.requestKey, issue.id);
    const stored = await storeChange(tx, filed(issue, filing, route, input.interim ?? false), now, { replan: true, stored: 'inserted' });
    return { issue: stored.issue, duplicate: false, stored };
  });
  if (result.stored) wakeFor(ctx, result.stored);
  if (!result.duplicate) ctx.log.info({ issue: result.issue.key, team: result.issue.team }, 'issue filed');
  ctx.kickOutbox();
  return { issue: result.issue, duplicate: result.duplicate };
}
