import { isGroupId, isUserId } from '../domain/slack-ids.js';
import type { Matrix } from '../domain/routing/matrix.js';
import { AGENTS } from '../sandbox/workspace.js';
import type { SlackSandbox } from '../sandbox/slack-server.js';

export interface Person {
  id: string;
  name: string;
  /** What they are in the matrix: "agent (phone)", "owner of billing", "tier 1 of billing (ack)", "gets digest support-weekly". */
  roles: string[];
}

/** Everyone in the sandbox, with what the matrix makes them; agents first, then owners, then the rest. */
export function peopleOf(slack: SlackSandbox, matrix: Matrix): Person[] {
  const roles = new Map<string, string[]>();
  const add = (id: string, role: string) => roles.set(id, [...(roles.get(id) ?? []), role]);
  const members = (id: string) => (isGroupId(id) ? slack.usergroups.get(id) ?? [] : [id]);
  for (const [origin, id] of Object.entries(AGENTS)) add(id, `agent (${origin})`);
  for (const team of Object.values(matrix.teams)) {
    team.owners.flatMap(members).forEach((id) => add(id, `owner of ${team.key}`));
  }
  for (const team of Object.values(matrix.teams)) {
    for (const target of ['ack', 'resolve'] as const) {
      team.escalation[target].forEach((tier, i) => tier.notify.flatMap(members).forEach((id) => add(id, `tier ${i + 1} of ${team.key} (${target})`)));
    }
  }
  for (const digest of matrix.digests) if (isUserId(digest.to)) add(digest.to, `gets digest ${digest.name}`);
  const rank = (p: Person) => (p.roles.some((r) => r.startsWith('agent')) ? 0 : p.roles.some((r) => r.startsWith('owner')) ? 1 : 2);
  return [...slack.users.values()]
    .filter((u) => !u.deleted)
    .map((u) => ({ id: u.id, name: u.name, roles: [...new Set(roles.get(u.id) ?? [])] }))
    .sort((a, b) => rank(a) - rank(b) || a.name.localeCompare(b.name));
}
