import { writeFileSync } from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';
import type { WebClient } from '@slack/web-api';
import { parseDocument } from 'yaml';
import { formatProblem, lineLocator } from './domain/routing/load-matrix.js';
import { slackReferences, type SlackReference } from './domain/routing/slack-references.js';

/**
 * `frontline check --slack`: the routing file against the workspace, with the
 * bot token. Each channel must exist, be live and have the bot in it; each
 * person and user group must exist, and owners and tier members must be
 * active. `@handles` and `#names` are looked up, and `--write-ids` writes a copy
 * of the file with ids in their place, comments and layout kept.
 */

interface Workspace {
  users: Array<{ id: string; name: string; display: string; deleted: boolean }>;
  groups: Array<{ id: string; handle: string }>;
  channels: Array<{ id: string; name: string; archived: boolean; member: boolean }>;
}

/** Everything the check looks things up in, read once: three lists rather than a call per reference. */
async function readWorkspace(client: WebClient): Promise<Workspace> {
  const users: Workspace['users'] = [];
  for await (const page of client.paginate('users.list', { limit: 200 })) {
    for (const u of ((page as { members?: any[] }).members ?? [])) users.push({ id: u.id, name: u.name ?? '', display: u.profile?.display_name ?? '', deleted: !!u.deleted });
  }
  const channels: Workspace['channels'] = [];
  for await (const page of client.paginate('conversations.list', { limit: 200, types: 'public_channel,private_channel', exclude_archived: false })) {
    for (const c of ((page as { channels?: any[] }).channels ?? [])) channels.push({ id: c.id, name: c.name ?? '', archived: !!c.is_archived, member: !!c.is_member });
  }
  const groups = ((await client.usergroups.list({ include_disabled: false })).usergroups ?? []).map((g) => ({ id: g.id!, handle: g.handle ?? '' }));
  return { users, groups, channels };
}

type Resolution = { id: string; problem?: never } | { problem: string; id?: string };

function resolveChannel(ref: SlackReference, ws: Workspace): Resolution {
  const byName = ref.value.startsWith('#');
  const channel = byName ? ws.channels.find((c) => c.name === ref.value.slice(1)) : ws.channels.find((c) => c.id === ref.value);
  if (!channel) {
    return { problem: byName ? `no channel named ${ref.value} that Frontline can see` : `channel ${ref.value} does not exist, or is private and Frontline is not in it` };
  }
  const shown = `#${channel.name} (${channel.id})`;
  if (channel.archived) return { id: channel.id, problem: `${shown} is archived` };
  if (!channel.member) return { id: channel.id, problem: `Frontline is not in ${shown}: /invite @Frontline there` };
  return { id: channel.id };
}

function resolveRecipient(ref: SlackReference, ws: Workspace): Resolution {
  if (ref.value.startsWith('@')) {
    const handle = ref.value.slice(1).toLowerCase();
    const group = ws.groups.find((g) => g.handle.toLowerCase() === handle);
    if (group) return { id: group.id };
    const user = ws.users.find((u) => u.name.toLowerCase() === handle || u.display.toLowerCase() === handle);
    if (!user) return { problem: `no user or user group ${ref.value} in this workspace` };
    return user.deleted ? { id: user.id, problem: `${ref.value} (${user.id}) is deactivated` } : { id: user.id };
  }
  if (ref.value.startsWith('S')) {
    return ws.groups.some((g) => g.id === ref.value) ? { id: ref.value } : { problem: `no user group ${ref.value} in this workspace` };
  }
  const user = ws.users.find((u) => u.id === ref.value);
  if (!user) return { problem: `no user ${ref.value} in this workspace` };
  return user.deleted ? { id: user.id, problem: `${ref.value} (@${user.name}) is deactivated` } : { id: user.id };
}

export interface SlackCheck {
  problems: string[];
  checked: { channels: number; people: number; groups: number };
  /** The copy with ids, when asked for and every name resolved. */
  written?: string;
  names: number;
}

export async function checkInSlack(file: string, text: string, client: WebClient, writeIds: boolean): Promise<SlackCheck> {
  const doc = parseDocument(text);
  const refs = slackReferences(doc.toJS());
  const ws = await readWorkspace(client);
  const line = lineLocator(text);
  const problems: string[] = [];
  const resolved = new Map<SlackReference, string>();
  for (const ref of refs) {
    const result = ref.kind === 'channel' ? resolveChannel(ref, ws) : resolveRecipient(ref, ws);
    if (result.problem) problems.push(formatProblem(basename(file), { path: ref.path, line: line(ref.path), message: result.problem }));
    if (result.id) resolved.set(ref, result.id);
  }
  const distinct = (kind: (r: SlackReference) => boolean) => new Set(refs.filter(kind).map((r) => r.value)).size;
  const named = refs.filter((r) => r.value.startsWith('@') || r.value.startsWith('#'));
  const check: SlackCheck = {
    problems,
    names: named.length,
    checked: {
      channels: distinct((r) => r.kind === 'channel'),
      people: distinct((r) => r.kind === 'recipient' && !r.value.startsWith('S')),
      groups: distinct((r) => r.value.startsWith('S')),
    },
  };
  if (writeIds && named.every((r) => resolved.has(r))) {
    check.written = join(dirname(file), `${basename(file, extname(file))}.ids${extname(file) || '.yml'}`);
    writeFileSync(check.written, withIds(text, doc, named.map((r) => ({ path: r.path, id: resolved.get(r)! }))));
  }
  return check;
}

/** The text with each name's scalar replaced by its id, in place: every other byte (comments, layout) stays. */
function withIds(text: string, doc: ReturnType<typeof parseDocument>, replacements: Array<{ path: SlackReference['path']; id: string }>): string {
  const spans = replacements
    .map(({ path, id }) => ({ range: (doc.getIn(path, true) as { range?: [number, number, number] } | undefined)?.range, id }))
    .filter((s): s is { range: [number, number, number]; id: string } => !!s.range)
    .sort((a, b) => b.range[0] - a.range[0]);
  return spans.reduce((out, { range, id }) => out.slice(0, range[0]) + id + out.slice(range[1]), text);
}
