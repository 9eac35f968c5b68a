import { mentionUser } from './mrkdwn.js';
import { permits, refusalText, type Actor, type IssueAction, type Party } from './permissions.js';

export type { Actor } from './permissions.js';

/** Lifecycle rules for an issue. Pure: callers load state and pass it (and `now`) in. */

export type IssueStatus = 'open' | 'claimed' | 'waiting' | 'resolved';

export interface IssueState extends Party {
  status: IssueStatus;
  resolvedAt?: Date | null;
}

export type RefusalCode = 'not_permitted' | 'already_claimed' | 'already_resolved' | 'wrong_state' | 'expired';
export type Refusal = { ok: false; code: RefusalCode; message: string };
export type Decision<T = object> = ({ ok: true } & T) | Refusal;

/** A resolved issue can be reopened by its agent for this long. */
export const REOPEN_WINDOW_MS = 7 * 24 * 60 * 60 * 1000;

const refuse = (code: RefusalCode, message: string): Refusal => ({ ok: false, code, message });

/** What the issue's state must be for each action; undefined when the state allows it. */
function stateRefusal(action: IssueAction, issue: IssueState, actor: Actor, now: Date): Refusal | undefined {
  const { key, status } = issue;
  if (action === 'show') return undefined;
  if (action === 'reopen') {
    if (status !== 'resolved') return refuse('wrong_state', `${key} is not resolved, so there is nothing to reopen.`);
    if (issue.resolvedAt && now.getTime() - issue.resolvedAt.getTime() > REOPEN_WINDOW_MS) {
      return refuse('expired', `${key} was resolved more than 7 days ago. Please escalate it again with /escalate.`);
    }
    return undefined;
  }
  if (status === 'resolved') return refuse('already_resolved', `${key} is already resolved.`);
  switch (action) {
    case 'claim':
      if (issue.claimerId && issue.claimerId !== actor.userId) {
        return refuse('already_claimed', `${key} is already claimed by ${mentionUser(issue.claimerId)}.`);
      }
      return undefined;
    case 'unclaim':
      return status === 'open' ? refuse('wrong_state', `${key} is not claimed.`) : undefined;
    case 'wait':
      if (status === 'waiting') return refuse('wrong_state', `${key} is already waiting on the customer.`);
      return status === 'open' ? refuse('wrong_state', `${key} must be claimed before it can wait on the customer.`) : undefined;
    case 'resume':
      return status !== 'waiting' ? refuse('wrong_state', `${key} is not waiting on the customer.`) : undefined;
    case 'reroute':
      return status === 'waiting' ? refuse('wrong_state', `${key} is waiting on the customer; resume it before rerouting.`) : undefined;
    default:
      return undefined;
  }
}

/** May `actor` do `action` to `issue` now? A refusal says why, naming who may. */
export function decide(action: IssueAction, issue: IssueState, actor: Actor, now: Date): Decision {
  const wrongState = stateRefusal(action, issue, actor, now);
  if (wrongState) return wrongState;
  if (!permits(action, issue, actor)) return refuse('not_permitted', refusalText(action, issue));
  return { ok: true };
}

/** Claiming your own issue again is allowed and changes nothing. */
export function decideClaim(issue: IssueState, actor: Actor, now: Date): Decision<{ alreadyYours: boolean }> {
  if (issue.status !== 'resolved' && issue.claimerId === actor.userId) return { ok: true, alreadyYours: true };
  const decision = decide('claim', issue, actor, now);
  return decision.ok ? { ok: true, alreadyYours: false } : decision;
}
