import type { OutboxMessage } from '../outbox-message.js';
import { isGroupId, isUserId } from '../slack-ids.js';
import type { IssueEvent } from './events.js';
import type { Issue } from './issue.js';
import type { Refusal } from './rules.js';

/**
 * What a transition decided: the issue's next state, the events to append and
 * the messages to queue, all to be stored in one transaction. `changed` is false
 * when there was nothing to do; `notice` then tells the person why.
 */
export interface Change<I extends Issue = Issue> {
  ok: true;
  changed: boolean;
  issue: I;
  events: IssueEvent[];
  messages: OutboxMessage[];
  notice?: string;
}

export type Outcome<I extends Issue = Issue> = Change<I> | Refusal;

export const changed = <I extends Issue>(issue: I, events: IssueEvent[], messages: OutboxMessage[]): Change<I> =>
  ({ ok: true, changed: true, issue, events, messages });

export const unchanged = <I extends Issue>(issue: I, notice?: string): Change<I> =>
  ({ ok: true, changed: false, issue, events: [], messages: [], ...(notice ? { notice } : {}) });

export const updateCard = (issue: Issue): OutboxMessage => ({ kind: 'update_card', issueId: issue.id, channel: issue.channel });

/**
 * Home tabs to refresh after a change: the agent's, the claimer's, and the team's
 * owners'. An owner user group is one message, expanded into its members when sent,
 * so membership is read from Slack's (cached) list at that time. `others` adds
 * people the change also concerns, such as a claimer being replaced.
 */
export function homeRefreshes(issue: Issue, ...others: Array<string | null | undefined>): OutboxMessage[] {
  const audience = new Set([issue.agentId, issue.claim?.by, ...issue.snapshot.team.owners, ...others]);
  return [...audience]
    .filter((id): id is string => !!id && (isUserId(id) || isGroupId(id)))
    .map((id) => ({ kind: 'publish_home', audience: id }));
}
