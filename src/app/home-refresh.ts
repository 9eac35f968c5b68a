import type { IssueRow } from '../db/schema.js';
import type { OutboxMessage } from '../db/outbox-store.js';
import { isGroupId, isUserId } from '../domain/slack-ids.js';

/**
 * Home tabs to refresh after a change: the agent's, the claimer's, and the team's
 * owners'. An owner user group is one message, expanded into its members when sent,
 * so membership is read from Slack's (cached) list at that time.
 * `others` adds people the change also concerns, such as a claimer being replaced.
 */
export function homesOf(issue: IssueRow, ...others: Array<string | null | undefined>): OutboxMessage[] {
  const audience = new Set([issue.agentId, issue.claimerId, ...issue.snapshot.team.owners, ...others]);
  return [...audience]
    .filter((id): id is string => !!id && (isUserId(id) || isGroupId(id)))
    .map((id) => ({ issueId: null, kind: 'publish_home', lane: `home:${id}`, payload: isGroupId(id) ? { group: id } : { user: id } }));
}
