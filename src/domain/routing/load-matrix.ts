import { Cron } from 'croner';
import { isMap, isScalar, LineCounter, parseDocument, type Document } from 'yaml';
import type { z } from 'zod';
import { ALWAYS, hasOpenHours, type Calendar } from '../calendar.js';
import { parseDuration, type Duration } from '../durations.js';
import { didYouMean } from './did-you-mean.js';
import type { Matrix, Route, SwarmRules, Team, Tier } from './matrix.js';
import { matrixSchema, type MatrixFile, type TeamSpec, type TierSpec } from './matrix-schema.js';
import { isGroupId } from '../slack-ids.js';
import { compileTextPattern } from './text-pattern.js';

export type Path = Array<string | number>;

export interface MatrixProblem {
  path: Path;
  message: string;
  line?: number;
}

export type MatrixResult = { ok: true; matrix: Matrix } | { ok: false; problems: MatrixProblem[] };

/** `routing.yml:41 routes[2].team: unknown team "biling" (did you mean "billing"?)` */
export function formatProblem(file: string, problem: MatrixProblem): string {
  const where = problem.line ? `${file}:${problem.line}` : file;
  const path = formatPath(problem.path);
  return path ? `${where} ${path}: ${problem.message}` : `${where} ${problem.message}`;
}

function formatPath(path: Path): string {
  return path.reduce<string>(
    (text, key) => (typeof key === 'number' ? `${text}[${key}]` : text ? `${text}.${key}` : key),
    '',
  );
}

/** Parses and validates routing.yml text. Pure: the caller reads the file. */
export function loadMatrix(text: string): MatrixResult {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: true });
  if (doc.errors.length) {
    // Later parse errors are mostly echoes of the first: one line, at the first, says what to fix.
    const first = [...doc.errors].sort((a, b) => a.pos[0] - b.pos[0])[0]!;
    const message = first.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
    return { ok: false, problems: [{ path: [], line: first.linePos?.[0].line, message: `YAML syntax error: ${lowerFirst(message)}` }] };
  }
  const raw = doc.toJS();
  if (raw === null || raw === undefined) return { ok: false, problems: [{ path: [], message: 'the file is empty: start from routing.example.yml' }] };
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    return { ok: false, problems: [{ path: [], line: 1, message: 'expected sections such as `version: 1`, `levels:` and `teams:` at the top level' }] };
  }
  const parsed = matrixSchema.safeParse(raw);
  const problems = parsed.success
    ? checkReferences(parsed.data)
    : [...parsed.error.issues.flatMap((issue) => fromZodIssue(issue, raw)), ...referenceProblemsOfValidSections(raw)];
  if (problems.length) {
    const located = problems.map((p) => ({ ...p, line: lineOf(doc, lines, p.path) }));
    return { ok: false, problems: located.sort((a, b) => (a.line ?? 0) - (b.line ?? 0)) };
  }
  return { ok: true, matrix: build(parsed.data!) };
}

const lowerFirst = (text: string) => text.charAt(0).toLowerCase() + text.slice(1);

/** zod's own words for a wrong type, said as Frontline says it. */
const EXPECTED: Record<string, string> = {
  string: 'text', number: 'a number', boolean: 'true or false', array: 'a list, such as [a, b]', object: 'a map of keys and values',
  record: 'a map of names', int: 'a whole number',
};

/** A problem zod found, in Frontline's words, at the path of the value it is about. */
function fromZodIssue(issue: z.core.$ZodIssue, raw: unknown, prefix: Path = []): MatrixProblem[] {
  const path = [...prefix, ...issue.path.filter((k): k is string | number => typeof k !== 'symbol')];
  switch (issue.code) {
    case 'unrecognized_keys':
      // One problem per key, each at the key's own line.
      return issue.keys.map((key) => ({ path: [...path, key], message: `unknown key${didYouMean(key, keysAt(path))}` }));
    case 'invalid_key': {
      const key = String(path.at(-1));
      const suggestion = path.at(-2) === 'hours' ? didYouMean(key, DAY_SPECS) : '';
      return [{ path, message: `"${key}": ${issue.issues[0]?.message ?? 'not an accepted name'}${suggestion}` }];
    }
    case 'invalid_union':
      return fromUnion(issue, raw, path);
    case 'invalid_type':
      if (valueAt(raw, path) === undefined) return [{ path, message: 'is required' }];
      return [{ path, message: zodsOwn(issue.message) ? `expected ${EXPECTED[issue.expected] ?? issue.expected}` : issue.message }];
    case 'too_small':
    case 'too_big':
      if (!zodsOwn(issue.message)) return [{ path, message: issue.message }];
      return [{ path, message: `${issue.code === 'too_small' ? 'at least' : 'at most'} ${String(issue.code === 'too_small' ? issue.minimum : issue.maximum)}` }];
    default:
      return [{ path, message: zodsOwn(issue.message) ? 'is not a value Frontline accepts here' : issue.message }];
  }
}

/** The value written at `path` in the file, if any. */
const valueAt = (raw: unknown, path: Path): unknown =>
  path.reduce<unknown>((value, key) => (value && typeof value === 'object' ? (value as Record<string | number, unknown>)[key] : undefined), raw);

/** zod's default messages start like this; the schema's own messages never do. */
const zodsOwn = (message: string) => /^(Invalid|Too (small|big)|Expected|Unrecognized)/.test(message);

/** Does this issue only say that the value has another shape (a list, not a string)? */
function misfit(issue: z.core.$ZodIssue): boolean {
  if (issue.path.length > 0) return false;
  if (issue.code === 'invalid_type') return true;
  return issue.code === 'invalid_union' && issue.errors.every((branch) => branch.some(misfit));
}

/**
 * A value that fits none of a union's forms (`owners: U0ANNA` or `owners: [U0ANNA]`):
 * the form whose shape it has says what is wrong inside it; otherwise the union's own words do.
 */
function fromUnion(issue: Extract<z.core.$ZodIssue, { code: 'invalid_union' }>, raw: unknown, path: Path): MatrixProblem[] {
  const fitting = issue.errors.filter((branch) => !branch.some(misfit));
  if (fitting.length === 1) return fitting[0]!.flatMap((inner) => fromZodIssue(inner, raw, path));
  return [{ path, message: zodsOwn(issue.message) ? 'is not one of the forms Frontline accepts here' : issue.message }];
}

/** The keys the schema allows at `path`, for "did you mean". */
function keysAt(path: Path): string[] {
  let schema: unknown = matrixSchema;
  for (const key of path) {
    const def = defOf(schema);
    if (def?.type === 'object') schema = (def.shape as Record<string, unknown>)[String(key)];
    else if (def?.type === 'record') schema = def.valueType;
    else if (def?.type === 'array') schema = def.element;
    else if (def?.type === 'union') schema = (def.options as unknown[]).find((o) => defOf(o)?.type === (typeof key === 'number' ? 'array' : 'object'));
    else return [];
    if (typeof key === 'number' && defOf(schema)?.type === 'array') schema = defOf(schema)!.element;
  }
  const def = defOf(schema);
  return def?.type === 'object' ? Object.keys(def.shape as object) : [];
}

/** A schema's definition, through the wrappers (optional, default, pipe) that do not change its keys. */
function defOf(schema: unknown): Record<string, unknown> | undefined {
  let def = (schema as { _zod?: { def: Record<string, unknown> } } | undefined)?._zod?.def;
  while (def && ['optional', 'default', 'prefault', 'nullable', 'readonly', 'catch', 'pipe'].includes(def.type as string)) {
    def = (def.type === 'pipe' ? (def.in as { _zod: { def: Record<string, unknown> } }) : (def.innerType as { _zod: { def: Record<string, unknown> } }))._zod.def;
  }
  return def;
}

/** The line of each path in a routing file's text: for messages about places `loadMatrix` does not check. */
export function lineLocator(text: string): (path: Path) => number | undefined {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines });
  return (path) => lineOf(doc, lines, path);
}

/** The line of the key at `path`, or of its nearest ancestor that exists in the file. */
function lineOf(doc: Document, lines: LineCounter, path: Path): number | undefined {
  for (let depth = path.length; depth >= 0; depth--) {
    const parent = depth > 0 ? doc.getIn(path.slice(0, depth - 1), true) : undefined;
    const key = path[depth - 1];
    if (isMap(parent)) {
      const pair = parent.items.find((p) => isScalar(p.key) && p.key.value === key);
      const range = (pair?.key as { range?: [number] } | undefined)?.range;
      if (range) return lines.linePos(range[0]).line;
    }
    const node = depth > 0 ? doc.getIn(path.slice(0, depth), true) : doc.contents;
    const range = (node as { range?: [number] } | null | undefined)?.range;
    if (range) return lines.linePos(range[0]).line;
  }
  return undefined;
}

function validTimezone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** `unknown time zone "Europe/Londn" (did you mean "Europe/London"?)` */
const unknownZone = (zone: string) => `unknown time zone "${zone}"${didYouMean(zone, [...Intl.supportedValuesOf('timeZone'), 'UTC'])}`;

const DAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];
/** Day names and the usual ranges, for "did you mean". */
const DAY_SPECS = [...DAYS, 'mon-fri', 'mon-sat', 'mon-sun', 'sat-sun'];

/** Expands `mon-fri` into weekday numbers (0 = Sunday); undefined when the range runs backwards. */
function expandDays(spec: string): number[] | undefined {
  const [from, to = from] = spec.split('-').map((d) => DAYS.indexOf(d!));
  const start = from === 0 ? 7 : from!; // ranges are written Monday-first: mon-sun
  const end = to === 0 ? 7 : to!;
  if (end < start) return undefined;
  return Array.from({ length: end - start + 1 }, (_, i) => (start + i) % 7);
}

/**
 * Checks that need the whole file: names that refer to other sections, regexes,
 * zones, crons. Sections listed in `failed` did not parse; checks that depend on
 * them are skipped rather than reported twice.
 */
function checkReferences(file: Partial<MatrixFile>, failed: ReadonlySet<string> = new Set(), names: Record<string, string[]> = {}): MatrixProblem[] {
  const problems: MatrixProblem[] = [];
  const report = (path: Path, message: string) => problems.push({ path, message });
  /** The names a section defines, even where some of its entries are broken; undefined when it could not be read. */
  const namesIn = (section: keyof MatrixFile) => names[section] ?? (failed.has(section) ? undefined : Object.keys(file[section] ?? {}));
  /** Reports `name` unless it is known, or its section could not be read. */
  const mustExist = (path: Path, kind: string, name: string, known: string[] | undefined) => {
    if (known && !known.includes(name)) report(path, `unknown ${kind} "${name}"${didYouMean(name, known)}`);
  };

  const levels = namesIn('levels');
  const categories = namesIn('categories');
  const teams = namesIn('teams');
  const origins = failed.has('origins') ? undefined : file.origins;
  const calendarNames = namesIn('calendars');
  const calendars = calendarNames && ['always', ...calendarNames];

  if (file.timezone && !validTimezone(file.timezone)) report(['timezone'], unknownZone(file.timezone));

  for (const [name, cal] of Object.entries(file.calendars ?? {})) checkCalendar(name, cal, report);

  for (const [name, level] of Object.entries(file.levels ?? {})) {
    mustExist(['levels', name, 'calendar'], 'calendar', level.calendar, calendars);
  }

  for (const [name, team] of Object.entries(file.teams ?? {})) {
    checkTeam(name, team, report);
    if (team?.hours) mustExist(['teams', name, 'hours'], 'calendar', team.hours, calendars);
  }
  for (const [user, person] of Object.entries(file.people ?? {})) {
    if (person?.hours) mustExist(['people', user, 'hours'], 'calendar', person.hours, calendars);
  }

  (file.routes ?? []).forEach((route: MatrixFile['routes'][number] | undefined, i) => {
    if (!route) return;
    const path = ['routes', i];
    mustExist([...path, 'team'], 'team', route.team, teams);
    if (route.level) mustExist([...path, 'level'], 'level', route.level, levels);
    const w = route.when;
    w?.category?.forEach((c, j) => mustExist([...path, 'when', 'category', j], 'category', c, categories));
    w?.level?.forEach((l, j) => mustExist([...path, 'when', 'level', j], 'level', l, levels));
    w?.origin?.forEach((o, j) => mustExist([...path, 'when', 'origin', j], 'origin', o, origins));
    if (w?.text) {
      try {
        compileTextPattern(w.text);
      } catch (e) {
        report([...path, 'when', 'text'], `not a pattern Frontline can match in linear time (RE2 syntax; no backreferences or lookarounds): ${(e as Error).message}`);
      }
    }
    const last = i === file.routes!.length - 1;
    if (last && w) report(path, 'the last route must have no `when`, so that every issue lands somewhere');
    if (!last && !w) report(path, `this route has no \`when\`, so routes after it (from routes[${i + 1}]) can never match`);
  });

  const digestNames = new Set<string>();
  (file.digests ?? []).forEach((digest: MatrixFile['digests'][number] | undefined, i) => {
    if (!digest) return;
    const path = ['digests', i];
    if (digestNames.has(digest.name)) report([...path, 'name'], `another digest is already named "${digest.name}"`);
    digestNames.add(digest.name);
    digest.teams?.forEach((t, j) => mustExist([...path, 'teams', j], 'team', t, teams));
    if (digest.timezone && !validTimezone(digest.timezone)) report([...path, 'timezone'], unknownZone(digest.timezone));
    try {
      new Cron(digest.schedule, { paused: true });
    } catch {
      report([...path, 'schedule'], `"${digest.schedule}" is not a cron schedule: five fields, minute hour day-of-month month day-of-week, such as "0 9 * * 1-5"`);
    }
  });
  return problems;
}

type Report = (path: Path, message: string) => void;

function checkCalendar(name: string, cal: MatrixFile['calendars'][string], report: Report): void {
  if (name === 'always') report(['calendars', name], '"always" is built in (24x7) and cannot be redefined');
  if (cal.timezone && !validTimezone(cal.timezone)) report(['calendars', name, 'timezone'], unknownZone(cal.timezone));
  const seen = new Map<number, string>();
  for (const spec of Object.keys(cal.hours)) {
    const days = expandDays(spec);
    if (!days) report(['calendars', name, 'hours', spec], 'a day range runs forward, Monday first (e.g. mon-fri)');
    for (const day of days ?? []) {
      if (seen.has(day)) report(['calendars', name, 'hours', spec], `${DAYS[day]} is already covered by "${seen.get(day)}"`);
      seen.set(day, spec);
    }
  }
  if (Object.keys(cal.hours).length === 0) {
    report(['calendars', name, 'hours'], 'this calendar has no open hours, so its clocks would never run');
  }
}

function checkTeam(name: string, team: MatrixFile['teams'][string], report: Report): void {
  if (team.owners.length > 1 && team.owners.some(isGroupId)) {
    report(['teams', name, 'owners'], 'give either user ids or one user-group id, not both');
  }
  for (const target of ['ack', 'resolve'] as const) {
    team.escalation[target].forEach((tier: TierSpec, i: number) => {
      const path = ['teams', name, 'escalation', target, i];
      if (i === 0 && tier.after) report([...path, 'after'], 'the first tier fires when the target is missed; remove `after`');
      if (i > 0 && !tier.after) report(path, '`after` is required: how long after the previous tier this one fires');
    });
  }
}

function referenceProblemsOfValidSections(raw: unknown): MatrixProblem[] {
  const { file, failed, names } = parseSections(raw);
  return checkReferences(file, failed, names);
}

const NAMED_SECTIONS = new Set(['calendars', 'levels', 'categories', 'teams']);
const LIST_SECTIONS = new Set(['routes', 'digests']);

/**
 * Parses each top-level section on its own, and each entry of a named section
 * (a team, a level) on its own, so that one broken entry hides nothing else: a
 * team with a bad owner id still exists for the routes and digests that name it,
 * and the other teams' chains are still checked.
 */
function parseSections(raw: unknown): { file: Partial<MatrixFile>; failed: Set<string>; names: Record<string, string[]> } {
  const input = (raw && typeof raw === 'object' ? raw : {}) as Record<string, unknown>;
  const file: Record<string, unknown> = {};
  const failed = new Set<string>();
  const names: Record<string, string[]> = {};
  for (const [key, schema] of Object.entries(matrixSchema.shape)) {
    const result = (schema as z.ZodType).safeParse(input[key]);
    if (result.success) {
      file[key] = result.data;
      continue;
    }
    failed.add(key);
    const section = input[key];
    if (LIST_SECTIONS.has(key) && Array.isArray(section)) {
      // Entries keep their index (messages name routes[3]); a broken one is a hole the checks step over.
      const entry = defOf(schema)!.element as z.ZodType;
      file[key] = section.map((value) => entry.safeParse(value).data);
      continue;
    }
    if (!NAMED_SECTIONS.has(key) || !section || typeof section !== 'object' || Array.isArray(section)) continue;
    names[key] = Object.keys(section);
    const entry = defOf(schema)!.valueType as z.ZodType;
    file[key] = Object.fromEntries(Object.entries(section).flatMap(([name, value]) => {
      const parsed = entry.safeParse(value);
      return parsed.success ? [[name, parsed.data]] : [];
    }));
  }
  return { file: file as Partial<MatrixFile>, failed, names };
}

const duration = (text: string): Duration => parseDuration(text)!;

function toMinutes(hhmm: string): number {
  const [h, m] = hhmm.split(':').map(Number);
  return h! * 60 + m!;
}

function buildCalendar(name: string, spec: MatrixFile['calendars'][string], defaultZone: string): Calendar {
  const week: Calendar['week'] = Array.from({ length: 7 }, () => []);
  for (const [days, ranges] of Object.entries(spec.hours)) {
    for (const day of expandDays(days)!) {
      week[day] = ranges
        .map((range) => range.split('-').map(toMinutes) as [number, number])
        .sort((a, b) => a[0] - b[0]);
    }
  }
  const calendar = { name, timezone: spec.timezone ?? defaultZone, ownTimezone: spec.timezone !== undefined, week, holidays: spec.holidays, always: false };
  if (!hasOpenHours(calendar)) throw new Error(`calendar ${name} has no open hours`);
  return calendar;
}

/**
 * A map of names with no prototype: a name typed by a person, such as
 * `constructor` or `__proto__`, is simply not found instead of finding
 * Object.prototype's members.
 */
function byName<T>(entries: ReadonlyArray<readonly [string, T]>): Record<string, T> {
  return Object.assign(Object.create(null) as Record<string, T>, Object.fromEntries(entries));
}

/** A duration as wall-clock milliseconds: a working day is not meant here. */
const wallMs = (text: string) => {
  const { days, ms } = duration(text);
  return days * 24 * 60 * 60 * 1000 + ms;
};

function buildSwarms(spec: NonNullable<TeamSpec['swarms']>): SwarmRules {
  return {
    windowMs: wallMs(spec.window),
    suggest: spec.suggest,
    link: spec.link,
    ...(spec.outage ? { outage: { reports: spec.outage.reports, withinMs: wallMs(spec.outage.within) } } : {}),
    ...(spec.outage_channel ? { outageChannel: spec.outage_channel } : {}),
  };
}

const buildTier = (tier: TierSpec): Tier => ({ after: tier.after ? duration(tier.after) : null, notify: tier.notify });

function build(file: MatrixFile): Matrix {
  const calendars = byName<Calendar>([['always', ALWAYS], ...Object.entries(file.calendars).map(([name, spec]) => [name, buildCalendar(name, spec, file.timezone)] as const)]);
  const teams = byName<Team>(Object.entries(file.teams).map(([key, t]) => [key, {
    key,
    channel: t.channel,
    owners: t.owners,
    escalation: { ack: t.escalation.ack.map(buildTier), resolve: t.escalation.resolve.map(buildTier) },
    ...(t.swarms ? { swarms: buildSwarms(t.swarms) } : {}),
    ...(t.hours ? { hours: t.hours } : {}),
  }]));
  const routes: Route[] = file.routes.map((r, index) => ({
    index,
    team: r.team,
    level: r.level,
    cc: r.cc ?? [],
    when: r.when && { ...r.when, text: r.when.text === undefined ? undefined : compileTextPattern(r.when.text) },
  }));
  return {
    timezone: file.timezone,
    calendars,
    levels: byName(Object.entries(file.levels).map(([key, l]) => [key, { key, ...l, ack: duration(l.ack), resolve: duration(l.resolve) }])),
    nudges: [...file.nudges].sort((a, b) => a - b),
    origins: file.origins,
    // A category keyed `praise` was praise before the flag existed; it stays so unless it says `praise: false`.
    categories: byName(Object.entries(file.categories).map(([key, c]) => [key, { key, ...c, praise: c.praise ?? key === 'praise' }])),
    teams,
    routes,
    digests: file.digests.map((d) => ({ ...d, timezone: d.timezone ?? file.timezone })),
    people: byName(Object.entries(file.people)),
    retention: {
      ...(file.retention?.resolved_issues ? { resolvedIssuesMs: wallMs(file.retention.resolved_issues) } : {}),
      ...(file.retention?.outbox ? { outboxMs: wallMs(file.retention.outbox) } : {}),
      ...(file.retention?.events ? { eventsMs: wallMs(file.retention.events) } : {}),
    },
  };
}
