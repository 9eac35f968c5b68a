import type { IssueRow } from '../db/schema.js';
import type { OutboxMessage } from '../db/outbox-store.js';
import { isUserId } from '../domain/slack-ids.js';

/**
 * Home tabs to refresh after a change: the agent's, the claimer's, and the team's
 * owners' (user ids; a user group's members see theirs on the next app_home_opened).
 * `others` adds people the change also concerns, such as a claimer being replaced.
 */
export function homesOf(issue: IssueRow, ...others: Array<string | null | undefined>): OutboxMessage[] {
  const users = new Set([issue.agentId, issue.claimerId, ...issue.snapshot.team.owners, ...others]);
  return [...users]
    .filter((u): u is string => !!u && isUserId(u))
    .map((user) => ({ issueId: null, kind: 'publish_home', lane: `home:${user}`, payload: { user } }));
}
