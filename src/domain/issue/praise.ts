import type { OutboxMessage } from '../outbox-message.js';
import type { Matrix } from '../routing/matrix.js';
import { named } from '../routing/matrix.js';
import { changed, unchanged, type Change } from './change.js';
import { event, type IssueEvent, type PraiseVia } from './events.js';
import type { Issue } from './issue.js';
import { refuse, type Refusal } from './rules.js';

/**
 * Praise is passed on, not handled: a praise escalation names the experts the
 * customer thanked, and an agent whose customer was happy with a resolution says
 * so from the resolution DM. Each reaches the expert by DM and the digest's
 * recognition line, and never counts as a problem.
 */

export const isPraise = (matrix: Pick<Matrix, 'categories'>, category: string): boolean => named(matrix.categories, category)?.praise ?? false;

/** People mentioned in text as Slack writes them (`<@U123>` or `<@U123|anna>`): whom a praise escalation names. */
export function mentionedUsers(...texts: Array<string | null | undefined>): string[] {
  const found = texts.flatMap((t) => [...(t ?? '').matchAll(/<@([UW][A-Z0-9]{2,})(?:\|[^>]*)?>/g)].map((m) => m[1]!));
  return [...new Set(found)];
}

/** The events and DMs of praise for `experts`, passed on by `by`; nobody praises themselves. */
export function praiseOf(issue: Issue, by: string, experts: string[], via: PraiseVia): { events: IssueEvent[]; messages: OutboxMessage[] } {
  const praised = [...new Set(experts)].filter((e) => e !== by);
  return {
    events: praised.map((expert) => event('praised', by, { expert, via })),
    messages: praised.map((expert): OutboxMessage => ({ kind: 'praise_dm', issueId: issue.id, user: expert, by, via })),
  };
}

/**
 * "The customer was happy", clicked by the agent on a resolution DM: praise for
 * whoever resolved it, once per agent and resolution.
 */
export function happyCustomer(issue: Issue, agent: string, alreadyPraisedBy: string[]): Change | Refusal {
  if (issue.status !== 'resolved') return refuse('wrong_state', `${issue.key} is open again, so there is no resolution to praise yet.`);
  if (agent !== issue.agentId) return refuse('not_permitted', `Only the agent who escalated ${issue.key} can pass on the customer's thanks.`);
  if (alreadyPraisedBy.includes(agent)) return unchanged(issue, `You have already passed on the customer's thanks for ${issue.key}.`);
  const { events, messages } = praiseOf(issue, agent, [issue.resolution.by], 'happy_customer');
  return { ...changed(issue, events, messages), notice: `:tada: Thanks: passed on to <@${issue.resolution.by}>.` };
}
