import type { Path } from './load-matrix.js';

/** A place in routing.yml that names a Slack channel, or a person or user group. */
export interface SlackReference {
  path: Path;
  value: string;
  kind: 'channel' | 'recipient';
  /** Owners and tier members must be active people: a deactivated one can never claim or be told. */
  role: 'owner' | 'tier' | 'digest' | 'channel';
}

const list = (value: unknown): Array<[string, number | undefined]> =>
  Array.isArray(value) ? value.map((v, i) => [String(v), i]) : typeof value === 'string' ? [[value, undefined]] : [];

const at = (path: Path, index: number | undefined): Path => (index === undefined ? path : [...path, index]);

/**
 * Every Slack reference in a routing file, as written (ids, `@handles` or
 * `#names`), with its path: what `check --slack` looks up, and what
 * `--write-ids` rewrites. Reads the parsed YAML, so it works on any file that parses.
 */
export function slackReferences(raw: unknown): SlackReference[] {
  const file = (raw && typeof raw === 'object' ? raw : {}) as Record<string, any>;
  const refs: SlackReference[] = [];
  const add = (path: Path, value: unknown, kind: SlackReference['kind'], role: SlackReference['role']) => {
    for (const [v, i] of list(value)) refs.push({ path: at(path, i), value: v, kind, role });
  };
  for (const [name, team] of Object.entries<any>(file.teams ?? {})) {
    if (!team || typeof team !== 'object') continue;
    add(['teams', name, 'channel'], team.channel, 'channel', 'channel');
    add(['teams', name, 'owners'], team.owners, 'recipient', 'owner');
    for (const target of ['ack', 'resolve'] as const) {
      (team.escalation?.[target] ?? []).forEach((tier: any, i: number) => add(['teams', name, 'escalation', target, i, 'notify'], tier?.notify, 'recipient', 'tier'));
    }
    if (team.swarms?.outage_channel) add(['teams', name, 'swarms', 'outage_channel'], team.swarms.outage_channel, 'channel', 'channel');
  }
  (Array.isArray(file.routes) ? file.routes : []).forEach((route: any, i: number) => add(['routes', i, 'cc'], route?.cc, 'channel', 'channel'));
  // People with working hours are keyed by id: they must exist, like anyone a tier tells.
  for (const user of Object.keys(file.people && typeof file.people === 'object' ? file.people : {})) add(['people', user], user, 'recipient', 'tier');
  (Array.isArray(file.digests) ? file.digests : []).forEach((digest: any, i: number) => {
    const to = String(digest?.to ?? '');
    add(['digests', i, 'to'], digest?.to, /^[CG#]/.test(to) ? 'channel' : 'recipient', 'digest');
  });
  return refs;
}

/** A reference by name rather than id: the bot cannot run on these until `check --slack --write-ids` resolves them. */
export const isName = (value: string) => value.startsWith('@') || value.startsWith('#');
