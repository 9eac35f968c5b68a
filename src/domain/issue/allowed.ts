import type { Issue } from './issue.js';
import { refusalFor, type Actor, type IssueAction } from './rules.js';

/**
 * The actions a card or DM offers, next step first: asked of the same rules the
 * transitions apply, so a button is shown exactly when clicking it could work.
 */
const OFFER_ORDER = ['claim', 'resume', 'resolve', 'wait', 'unclaim', 'reroute', 'reopen'] as const satisfies readonly IssueAction[];
export type OfferedAction = (typeof OFFER_ORDER)[number];

export function allowedActions(issue: Issue, actor: Actor, now: Date): OfferedAction[] {
  return OFFER_ORDER.filter((action) => !refusalFor(action, issue, actor, now));
}

/**
 * What the card in the team channel offers. Everyone in the channel sees the
 * same buttons, so they are the team owners' options; a click by anyone else
 * is answered privately with who may.
 */
export function cardActions(issue: Issue, now: Date): OfferedAction[] {
  return allowedActions(issue, { userId: '', isOwner: true }, now);
}
