import type { Matrix } from '../domain/routing/matrix.js';
import type { SlackSandbox } from './slack-server.js';
import { isChannelId, isGroupId, isUserId } from '../domain/slack-ids.js';

/** A readable name for a made-up id: U0ANNA -> anna, C0BILLING -> billing. */
export const nameOf = (id: string) => id.replace(/^[UWCGS]0?/, '').toLowerCase();

/** The channel where front-line agents work and type /escalate. */
export const FRONTLINE_CHANNEL = 'C0FRONTLINE';
export const AGENTS = { phone: 'U0ALEX', social: 'U0SAM' } as const;

/**
 * Fills a sandbox with the people and channels a matrix names: each team's channel
 * with its owners, cc channels, everyone notified, and two front-line agents.
 * A user group's members default to one user named after the group.
 */
export function seedWorkspace(slack: SlackSandbox, matrix: Matrix, groups: Record<string, string[]> = {}): void {
  const people = new Set<string>(Object.values(AGENTS));
  const addGroup = (id: string) => {
    const members = groups[id] ?? [`U0${id.slice(2)}`];
    slack.addUsergroup(id, members);
    members.forEach((m) => people.add(m));
  };
  const addRecipient = (id: string) => (isGroupId(id) ? addGroup(id) : people.add(id));
  for (const team of Object.values(matrix.teams)) {
    team.owners.forEach(addRecipient);
    [...team.escalation.ack, ...team.escalation.resolve].forEach((tier) => tier.notify.forEach(addRecipient));
  }
  for (const digest of matrix.digests) if (isUserId(digest.to)) people.add(digest.to);
  for (const id of people) slack.addUser(id, nameOf(id));

  for (const team of Object.values(matrix.teams)) {
    const owners = team.owners.flatMap((o) => (isGroupId(o) ? slack.usergroups.get(o) ?? [] : [o]));
    if (!slack.channels.has(team.channel)) slack.addChannel(team.channel, nameOf(team.channel), owners);
  }
  for (const cc of new Set(matrix.routes.flatMap((r) => r.cc))) slack.addChannel(cc, nameOf(cc));
  for (const team of Object.values(matrix.teams)) {
    const outages = team.swarms?.outageChannel;
    if (outages && !slack.channels.has(outages)) slack.addChannel(outages, nameOf(outages));
  }
  for (const digest of matrix.digests) if (isChannelId(digest.to)) slack.addChannel(digest.to, nameOf(digest.to));
  slack.addChannel(FRONTLINE_CHANNEL, 'frontline', Object.values(AGENTS));
}
