import { mentionUser } from '../mrkdwn.js';
import type { Issue } from './issue.js';
import { permits, refusalText, type Actor, type IssueAction } from './permissions.js';

export type { Actor, IssueAction } from './permissions.js';

/**
 * Expected refusals, each with a stable code that callers may branch on and a
 * message for the person who asked. Unexpected failures are errors, not refusals.
 */
export type RefusalCode =
  | 'not_permitted'
  | 'not_found'
  | 'already_claimed'
  | 'already_resolved'
  | 'wrong_state'
  | 'expired'
  | 'unknown_team'
  | 'same_team'
  | 'linked_report';
export type Refusal = { ok: false; code: RefusalCode; message: string };

export const refuse = (code: RefusalCode, message: string): Refusal => ({ ok: false, code, message });

/** A resolved issue can be reopened by its agent for this long. */
export const REOPEN_WINDOW_MS = 7 * 24 * 60 * 60 * 1000;

/** What the issue's state must be for each action; undefined when the state allows it. */
function stateRefusal(action: IssueAction, issue: Issue, actor: Actor, now: Date): Refusal | undefined {
  const { key } = issue;
  if (action === 'show') return undefined;
  // A report follows its parent; only its agent's reopen (which detaches it) acts on it alone.
  if (issue.parentId !== null && action !== 'reopen') {
    return refuse('linked_report', `${key} is a report of ESC-${issue.parentId}: act on ESC-${issue.parentId}, and every agent hears of it.`);
  }
  if (action === 'reopen') {
    if (issue.status !== 'resolved') return refuse('wrong_state', `${key} is not resolved, so there is nothing to reopen.`);
    if (now.getTime() - issue.resolution.at.getTime() > REOPEN_WINDOW_MS) {
      return refuse('expired', `${key} was resolved more than 7 days ago. Please escalate it again with /escalate.`);
    }
    return undefined;
  }
  if (issue.status === 'resolved') return refuse('already_resolved', `${key} is already resolved.`);
  switch (action) {
    case 'claim':
      return issue.claim && issue.claim.by !== actor.userId
        ? refuse('already_claimed', `${key} is already claimed by ${mentionUser(issue.claim.by)}.`)
        : undefined;
    case 'unclaim':
      return issue.status === 'unclaimed' ? refuse('wrong_state', `${key} is not claimed.`) : undefined;
    case 'wait':
      if (issue.status === 'waiting') return refuse('wrong_state', `${key} is already waiting on the customer.`);
      return issue.status === 'unclaimed' ? refuse('wrong_state', `${key} must be claimed before it can wait on the customer.`) : undefined;
    case 'resume':
      return issue.status !== 'waiting' ? refuse('wrong_state', `${key} is not waiting on the customer.`) : undefined;
    case 'reroute':
      return issue.status === 'waiting' ? refuse('wrong_state', `${key} is waiting on the customer; resume it before rerouting.`) : undefined;
    case 'resolve':
      return undefined;
  }
}

/** May `actor` do `action` to `issue` now? A refusal says why, naming who may. */
export function refusalFor(action: IssueAction, issue: Issue, actor: Actor, now: Date): Refusal | undefined {
  const wrongState = stateRefusal(action, issue, actor, now);
  if (wrongState) return wrongState;
  if (!permits(action, issue, actor)) return refuse('not_permitted', refusalText(action, issue));
  return undefined;
}
