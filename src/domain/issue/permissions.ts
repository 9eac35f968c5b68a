import { mentionChannel, mentionUser } from '../mrkdwn.js';
import type { Issue } from './issue.js';

/**
 * Who may do what to an issue: the one place this is decided. The README's
 * permission table says the same, and the unit tests check it row by row.
 */

export type IssueAction = 'claim' | 'unclaim' | 'resolve' | 'wait' | 'resume' | 'reroute' | 'reopen' | 'show';
export type Role = 'owner' | 'claimer' | 'agent' | 'channel_member';

export const PERMISSIONS: Record<IssueAction, readonly Role[]> = {
  claim: ['owner'],
  unclaim: ['claimer', 'owner'],
  resolve: ['claimer', 'owner'],
  wait: ['claimer', 'owner'],
  // The agent resumes too: their answer in the thread or by DM means the customer replied.
  resume: ['claimer', 'owner', 'agent'],
  reroute: ['claimer', 'owner'],
  reopen: ['agent'],
  show: ['channel_member', 'agent'],
};

const VERBS: Record<IssueAction, string> = {
  claim: 'claim', unclaim: 'unclaim', resolve: 'resolve', wait: 'mark as waiting on the customer',
  resume: 'resume', reroute: 'reroute', reopen: 'reopen', show: 'see',
};

export interface Actor {
  userId: string;
  /** True when the actor is an owner (user-group membership already resolved). */
  isOwner: boolean;
  /** True when the actor is a member of the issue's team channel; only `show` asks. */
  inChannel?: boolean;
  /** True when the actor escalated one of the issue's reports (a swarm): they act as its agent. */
  reportAgent?: boolean;
}

function rolesOf(issue: Issue, actor: Actor): Set<Role> {
  const roles = new Set<Role>();
  if (actor.isOwner) roles.add('owner');
  if (issue.claim?.by === actor.userId) roles.add('claimer');
  if (issue.agentId === actor.userId || actor.reportAgent) roles.add('agent');
  if (actor.inChannel) roles.add('channel_member');
  return roles;
}

export function permits(action: IssueAction, issue: Issue, actor: Actor): boolean {
  const roles = rolesOf(issue, actor);
  return PERMISSIONS[action].some((role) => roles.has(role));
}

function describeRole(role: Role, issue: Issue): string | undefined {
  switch (role) {
    case 'owner':
      return `the team's owners (${issue.snapshot.team.owners.map(mentionUser).join(', ')})`;
    case 'claimer':
      return issue.claim ? `its claimer ${mentionUser(issue.claim.by)}` : undefined;
    case 'agent':
      return `the agent who escalated it (${mentionUser(issue.agentId)})`;
    case 'channel_member':
      return `members of ${mentionChannel(issue.channel)}`;
  }
}

/** "Only its claimer <@U1> or the team's owners (<@U2>) may resolve ESC-7." */
export function refusalText(action: IssueAction, issue: Issue): string {
  const who = PERMISSIONS[action].map((role) => describeRole(role, issue)).filter(Boolean);
  const list = who.length > 1 ? `${who.slice(0, -1).join(', ')} or ${who.at(-1)}` : who[0];
  return `Only ${list} may ${VERBS[action]} ${issue.key}.`;
}
