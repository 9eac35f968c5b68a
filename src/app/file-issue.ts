import { routeIssue, explainRoute } from '../domain/routing/route-issue.js';
import { appendEvent, insertIssue, issueForRequest, linkRequest, rememberRequest } from '../db/issue-store.js';
import { enqueue } from '../db/outbox-store.js';
import type { IssueRow } from '../db/schema.js';
import type { AppContext } from './context.js';
import { replanClock } from './replan-clock.js';
import { openTimeBetween } from '../domain/calendar.js';

export interface FileIssueInput {
  category: string;
  level: string;
  origin: string;
  summary: string;
  details?: string;
  customerRef?: string;
  agentId: string;
  agentChannel?: string;
  responseUrl?: string;
  /** True when the agent was already shown "filed": their confirmation replaces it. */
  interim?: boolean;
  /** Identifies the Slack request (trigger_id, view id): a retry files nothing new. */
  requestKey: string;
}

export interface FileIssueResult {
  issue: IssueRow;
  /** True when this request had already filed the issue. */
  duplicate: boolean;
}

/**
 * Stores and routes a new issue, and queues its card for the team channel. The
 * card is posted after commit by the outbox, so a Slack failure never loses the issue.
 */
export async function fileIssue(ctx: AppContext, input: FileIssueInput): Promise<FileIssueResult> {
  const now = ctx.now();
  const facts = { ...input, details: input.details ?? null };
  const { snapshot, ackDueAt, resolveDueAt } = routeIssue(ctx.matrix, facts, now);
  const result = await ctx.db.transaction(async (tx) => {
    if (!(await rememberRequest(tx, input.requestKey, now))) {
      return { issue: (await issueForRequest(tx, input.requestKey))!, duplicate: true };
    }
    const issue = await insertIssue(tx, {
      category: input.category,
      level: snapshot.level.key,
      origin: input.origin,
      team: snapshot.team.key,
      channel: snapshot.team.channel,
      summary: input.summary,
      details: input.details ?? null,
      customerRef: input.customerRef ?? null,
      agentId: input.agentId,
      agentChannel: input.agentChannel ?? null,
      responseUrl: input.responseUrl ?? null,
      snapshot,
      filedAt: now,
      resolveTargetMs: openTimeBetween(snapshot.calendar, now, resolveDueAt),
      ackStartedAt: now,
      ackDueAt,
      resolveDueAt,
      updatedAt: now,
    });
    await linkRequest(tx, input.requestKey, issue.id);
    await replanClock(tx, issue, now);
    await appendEvent(tx, issue.id, 'filed', input.agentId, now, {
      category: input.category, level: input.level, origin: input.origin,
    });
    const reasons = explainRoute(ctx.matrix, facts).at(-1)!.reasons;
    await appendEvent(tx, issue.id, 'routed', null, now, {
      route: snapshot.routeIndex, team: snapshot.team.key, channel: snapshot.team.channel,
      level: snapshot.level.key, cc: snapshot.cc, reasons,
    });
    await enqueue(tx, now, { issueId: issue.id, kind: 'post_card', lane: issue.channel, payload: { interim: input.interim ?? false } });
    return { issue, duplicate: false };
  });
  if (!result.duplicate) ctx.log.info({ issue: result.issue.key, team: result.issue.team }, 'issue filed');
  ctx.kickOutbox();
  return result;
}
