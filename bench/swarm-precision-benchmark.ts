/**
 * How precise the product's swarm detection is: when many agents escalate one outage, a new
 * escalation that resembles an open one of its team is offered as "same problem?" (from the
 * team's `suggest` score) or linked by the quick form on its own (from `link`, with an undo).
 *
 * The headline figures measure the PRODUCTION code: the real database (`openDatabase`, migrations
 * applied, so swarm_norm is migration 0006's), issues built by the real routing (`loadMatrix` on
 * routing.example.yml, `routeWithReasons`, `newIssue`, `insertIssue`), and the real candidate query
 * `findSwarmMatch` (same team, open, filed within the window, same category or same text route;
 * score = similarity(swarm_norm(i.summary), swarm_norm($summary))).
 *
 * bench/data/swarm-escalations.json is one hand-written day at "Lumen" (232 escalations): several
 * swarms (an app login outage, a double charge on renewals, a carrier delay, a firmware update
 * bricking cameras, a phishing text), one-off issues worded like them, and two app problems at once.
 * Each item's `problem` is the ground truth: escalations of one real problem share it.
 *
 * The day is replayed in filing order (a fixed base date + each item's `minute`). Before escalation
 * n is filed, findSwarmMatch is asked for its best candidate (minScore 0.05); then n is filed. At a
 * threshold, n is linked when that best score reaches it; the link is correct when the candidate has
 * the same problem. Recall is over the escalations that could be linked correctly: an earlier one of
 * the same problem, routed to the same team, of the same category, filed within the window.
 *
 * Caveats:
 * - The thresholds (suggest 0.35, link 0.5) and swarm_norm's word list were chosen looking at this
 *   same data, so these figures flatter them; the 95% Wilson lower bound of precision is printed
 *   beside each precision: with a few dozen links, 1.00 is not a guarantee.
 * - Every team is measured as if it detected swarms; routing.example.yml enables them for `app`
 *   only (see the per-team table).
 * - Nothing is linked during the replay (every escalation stays an open parent), so a wrong link
 *   does not carry later escalations with it as it would in production (they would join its parent).
 * - Lookup times are on a table of at most 232 issues.
 *
 *   npx tsx bench/swarm-precision-benchmark.ts                       # in-memory PGlite
 *   SWARM_WINDOW_MINUTES=180 npx tsx bench/swarm-precision-benchmark.ts
 *   BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/test npx tsx bench/swarm-precision-benchmark.ts
 *     (creates and drops a scratch database on that server; figures go to swarm-precision-postgres.json)
 */
import { readFileSync } from 'node:fs';
import { sql, type SQL } from 'drizzle-orm';
import { openDatabase, type Db } from '../src/db/client.js';
import { insertIssue } from '../src/db/issue-store.js';
import { findSwarmMatch } from '../src/db/swarm-store.js';
import { newIssue, type Filing } from '../src/domain/issue/filing.js';
import { loadMatrix } from '../src/domain/routing/load-matrix.js';
import { routeWithReasons } from '../src/domain/routing/route-issue.js';
import { scratchStorage } from './support/app-process.js';
import { percentile, printTable, writeResults } from './support/report.js';

interface Escalation {
  id: number;
  category: string;
  origin: string;
  minute: number;
  summary: string;
  details: string | null;
  problem: string;
}

/** One escalation as filed, and the best earlier candidate each scorer found for it before it was filed. */
interface Filed {
  e: Escalation;
  issueId: number;
  team: string;
  textRoute: number | null;
  /** Scorer name -> best candidate (an escalation id) and its score. */
  best: Map<string, { to: number; score: number }>;
}

const WINDOW_MINUTES = Number(process.env.SWARM_WINDOW_MINUTES ?? 120);
const MIN_SCORE = 0.05;
const BASE = new Date('2026-03-03T00:00:00Z'); // a Tuesday
const THRESHOLDS = Array.from({ length: 13 }, (_, i) => Number((0.2 + i * 0.05).toFixed(2)));
const HEADLINE = 'production: findSwarmMatch';
const DEFAULTS = { suggest: 0.35, link: 0.5 };
const SERVER = process.env.BENCH_DATABASE_URL;

/**
 * Alternative scores, for comparison only: the same candidates as findSwarmMatch (its WHERE),
 * scored otherwise. `i` is the earlier issue; the new escalation's text is a parameter.
 */
const fullText = (e: Escalation) => `${e.summary} ${e.details ?? ''}`;
const ALTERNATIVES: Array<{ name: string; score: (e: Escalation) => SQL }> = [
  { name: 'summary', score: (e) => sql`similarity(i.summary, ${e.summary})` },
  { name: 'summary+details', score: (e) => sql`similarity(i.summary || ' ' || coalesce(i.details, ''), ${fullText(e)})` },
  { name: 'word, summary', score: (e) => sql`greatest(word_similarity(i.summary, ${e.summary}), word_similarity(${e.summary}, i.summary))` },
  { name: 'strict word, summary', score: (e) => sql`greatest(strict_word_similarity(i.summary, ${e.summary}), strict_word_similarity(${e.summary}, i.summary))` },
  { name: 'normalised summary+details', score: (e) => sql`similarity(swarm_norm(i.summary || ' ' || coalesce(i.details, '')), swarm_norm(${fullText(e)}))` },
  {
    name: 'normalised strict word, summary',
    score: (e) => sql`greatest(strict_word_similarity(swarm_norm(i.summary), swarm_norm(${e.summary})), strict_word_similarity(swarm_norm(${e.summary}), swarm_norm(i.summary)))`,
  },
  // The earlier draft of swarm_norm also dropped "lumen" (the brand); migration 0006 keeps it.
  { name: 'normalised summary, +"lumen" stop-word', score: (e) => sql`similarity(bench_norm_lumen(i.summary), bench_norm_lumen(${e.summary}))` },
];

/** The earlier draft of swarm_norm, for the last alternative only: created in the scratch database, never used by the product. */
const NORM_WITH_LUMEN = String.raw`
  create or replace function bench_norm_lumen(t text) returns text language sql immutable as $$
    select btrim(regexp_replace(regexp_replace(regexp_replace(regexp_replace(regexp_replace(lower(t),
      '[''’]', '', 'g'),
      '@\w+', ' ', 'g'),
      '[^a-z0-9]+', ' ', 'g'),
      '\m(the|a|an|and|or|but|to|of|for|is|are|was|be|it|its|this|that|my|me|i|im|we|our|you|your|ur|he|she|her|his|him|they|their|has|have|had|just|so|at|with|from|by|as|if|what|why|how|there|too|very|lol|please|pls|customer|customers|cx|lumen|says|asks|asking|wants|fb|ig|dm|msg|review|star)\M', ' ', 'g'),
      ' +', ' ', 'g'))
  $$`;

/** findSwarmMatch's candidates, scored by `score`: best first, as it orders them. */
async function bestAlternative(db: Db, score: SQL, q: { team: string; category: string; textRoute: number | null; since: Date }) {
  const sameRoute = q.textRoute === null ? sql`false` : sql`(i.snapshot->>'routeIndex')::int = ${q.textRoute}`;
  const result = (await db.execute(sql`select i.id, (${score})::float8 as score from issues i
    where i.team = ${q.team} and i.status <> 'resolved' and i.filed_at >= ${q.since.toISOString()}::timestamptz
      and (i.category = ${q.category} or ${sameRoute}) and (${score}) >= ${MIN_SCORE}
    order by score desc, i.id limit 1`)) as unknown as Array<{ id: number; score: number }> | { rows: Array<{ id: number; score: number }> };
  const [row] = Array.isArray(result) ? result : result.rows;
  return row && { issueId: Number(row.id), score: Number(row.score) };
}

function loadEscalations(): Escalation[] {
  const items = JSON.parse(readFileSync(new URL('./data/swarm-escalations.json', import.meta.url), 'utf8')) as Escalation[];
  return items.sort((x, y) => x.minute - y.minute || x.id - y.id);
}

const filedAt = (e: Escalation) => new Date(BASE.getTime() + e.minute * 60_000);

/** Files the day in order; before each filing, asks findSwarmMatch (timed) and each alternative for the best candidate. */
async function replay(db: Db, items: Escalation[]) {
  const text = readFileSync(new URL('../routing.example.yml', import.meta.url), 'utf8');
  const loaded = loadMatrix(text);
  if (!loaded.ok) throw new Error(`routing.example.yml: ${JSON.stringify(loaded.problems)}`);
  const matrix = loaded.matrix;
  const escalationOf = new Map<number, number>(); // issue id -> escalation id
  const filed: Filed[] = [];
  const lookupMs: number[] = [];
  for (const e of items) {
    const now = filedAt(e);
    const filing: Filing = {
      category: e.category, level: 'medium', origin: e.origin, summary: e.summary, details: e.details, customerRef: null,
      agentId: 'U0AGENT', agentChannel: null, responseUrl: null,
    };
    const { routed, route } = routeWithReasons(matrix, filing, now);
    // As src/app/file-issue.ts: issues routed by the same text pattern are candidates across categories.
    const textRoute = route.route.when?.text ? route.route.index : null;
    const team = routed.snapshot.team.key;
    const since = new Date(now.getTime() - WINDOW_MINUTES * 60_000);

    const best = new Map<string, { to: number; score: number }>();
    const started = performance.now();
    const match = await findSwarmMatch(db, { team, category: e.category, textRoute, summary: e.summary, since, minScore: MIN_SCORE });
    lookupMs.push(performance.now() - started);
    // Nothing is linked in the replay, so the returned "parent" is the matched escalation itself.
    if (match) best.set(HEADLINE, { to: escalationOf.get(match.parentId)!, score: match.score });
    for (const alt of ALTERNATIVES) {
      const found = await bestAlternative(db, alt.score(e), { team, category: e.category, textRoute, since });
      if (found) best.set(alt.name, { to: escalationOf.get(found.issueId)!, score: found.score });
    }

    const issue = await db.transaction(async (tx) => insertIssue(tx, newIssue(filing, routed, now), now));
    escalationOf.set(issue.id, e.id);
    filed.push({ e, issueId: issue.id, team, textRoute, best });
  }
  return { filed, lookupMs };
}

/** Who could be linked correctly: an earlier escalation of the same problem, team and category, within the window. */
function groundTruth(filed: Filed[]) {
  const earlier = (f: Filed, g: Filed) => g.e.problem === f.e.problem && g.e.id !== f.e.id
    && (g.e.minute < f.e.minute || (g.e.minute === f.e.minute && g.e.id < f.e.id)) && g.e.minute >= f.e.minute - WINDOW_MINUTES;
  const linkable = new Set<number>();
  const outOfReach: number[] = [];
  for (const f of filed) {
    const same = filed.filter((g) => earlier(f, g));
    if (same.some((g) => g.team === f.team && g.e.category === f.e.category)) linkable.add(f.e.id);
    else if (same.length) outOfReach.push(f.e.id);
  }
  return { linkable, outOfReach };
}

/** The 95% Wilson lower bound of a proportion. */
function wilsonLower(successes: number, n: number): number {
  if (n === 0) return NaN;
  const z = 1.96;
  const p = successes / n;
  return (p + (z * z) / (2 * n) - z * Math.sqrt((p * (1 - p)) / n + (z * z) / (4 * n * n))) / (1 + (z * z) / n);
}

function evaluate(filed: Filed[], scorer: string, linkable: Set<number>, threshold: number) {
  const problemOf = new Map(filed.map((f) => [f.e.id, f.e.problem]));
  let links = 0;
  let correct = 0;
  let recalled = 0;
  const falseLinkPairs: Array<{ id: number; to: number; score: number }> = [];
  for (const f of filed) {
    const c = f.best.get(scorer);
    if (!c || c.score < threshold) continue;
    links++;
    if (problemOf.get(c.to) === f.e.problem) {
      correct++;
      if (linkable.has(f.e.id)) recalled++;
    } else falseLinkPairs.push({ id: f.e.id, to: c.to, score: Number(c.score.toFixed(3)) });
  }
  return {
    threshold, links, correct, falseLinks: links - correct, precision: links ? correct / links : NaN, precisionLower95: wilsonLower(correct, links),
    recall: linkable.size ? recalled / linkable.size : NaN, recalled, falseLinkPairs,
  };
}

const f2 = (n: number) => (Number.isFinite(n) ? n.toFixed(2) : '—');
const round = (n: number, digits = 3) => (Number.isFinite(n) ? Number(n.toFixed(digits)) : null);

async function main() {
  const items = loadEscalations();
  const storage = SERVER ? await scratchStorage('postgres', 'swarm-precision') : undefined;
  const database = await openDatabase({ url: storage?.env.DATABASE_URL });
  try {
    const { db } = database;
    await db.execute(sql.raw(NORM_WITH_LUMEN));
    const { filed, lookupMs } = await replay(db, items);
    const { linkable, outOfReach } = groundTruth(filed);
    const problems = new Set(items.map((e) => e.problem)).size;
    const textRouted = filed.filter((f) => f.textRoute !== null).length;

    console.log(`${items.length} escalations, ${problems} problems, on ${database.kind}; window ${WINDOW_MINUTES} min; `
      + `${linkable.size} could be linked correctly (an earlier one of the same problem, team and category in the window); `
      + `${outOfReach.length} more have an earlier same-problem escalation only in another team or category; ${textRouted} routed by text`);

    const headline = THRESHOLDS.map((t) => evaluate(filed, HEADLINE, linkable, t));
    const defaultName = (t: number) => (t === DEFAULTS.suggest ? ' (suggest)' : t === DEFAULTS.link ? ' (link)' : '');
    printTable(`Production: findSwarmMatch, similarity(swarm_norm(i.summary), swarm_norm($summary)); every team, window ${WINDOW_MINUTES} min`,
      headline.map((r) => ({
        threshold: `${f2(r.threshold)}${defaultName(r.threshold)}`, links: r.links, false: r.falseLinks, precision: f2(r.precision),
        'precision 95% low': f2(r.precisionLower95), recall: `${f2(r.recall)} (${r.recalled}/${linkable.size})`,
      })));
    const median = percentile(lookupMs, 0.5);
    const p99 = percentile(lookupMs, 0.99);
    console.log(`findSwarmMatch lookup: median ${median.toFixed(2)} ms, p99 ${p99.toFixed(2)} ms (${lookupMs.length} lookups, 0 to ${items.length - 1} issues in the table)`);

    // At the defaults, per team: routing.example.yml detects swarms for `app` only.
    const teams = [...new Set(filed.map((f) => f.team))].sort();
    printTable('Production at the defaults, by team (suggest 0.35 / link 0.5): links, false, precision, recall', teams.map((team) => {
      const mine = filed.filter((f) => f.team === team);
      const reach = new Set([...linkable].filter((id) => mine.some((f) => f.e.id === id)));
      const cell = (t: number) => {
        const r = evaluate(mine, HEADLINE, reach, t);
        return `${r.links} / ${r.falseLinks} / ${f2(r.precision)} / ${f2(r.recall)}`;
      };
      return { team, escalations: mine.length, linkable: reach.size, 'suggest 0.35': cell(DEFAULTS.suggest), 'link 0.5': cell(DEFAULTS.link) };
    }));

    const byId = new Map(items.map((e) => [e.id, e]));
    for (const t of [DEFAULTS.suggest, DEFAULTS.link]) {
      const r = headline.find((g) => g.threshold === t)!;
      console.log(`\nfalse links at ${f2(t)}: ${r.falseLinkPairs.length}`);
      for (const l of r.falseLinkPairs) {
        console.log(`  ${l.score.toFixed(2)}: #${l.id} "${byId.get(l.id)!.summary}" -> #${l.to} "${byId.get(l.to)!.summary}"`);
      }
    }

    // Comparison only: other scores over the same candidates.
    const scorers = [HEADLINE, ...ALTERNATIVES.map((a) => a.name)];
    const grids = scorers.map((name) => ({ name, grid: THRESHOLDS.map((t) => evaluate(filed, name, linkable, t)) }));
    printTable('Comparison (not the product): other scores over findSwarmMatch\'s candidates; precision / recall / false links at each threshold',
      grids.map((g) => ({ score: g.name, ...Object.fromEntries(g.grid.map((r) => [f2(r.threshold), `${f2(r.precision)}/${f2(r.recall)}/${r.falseLinks}`])) })));

    const row = (r: ReturnType<typeof evaluate>) => ({
      threshold: r.threshold, links: r.links, correct: r.correct, falseLinks: r.falseLinks, precision: round(r.precision), precisionLower95: round(r.precisionLower95),
      recall: round(r.recall), recalled: r.recalled,
    });
    writeResults(database.kind === 'postgres' ? 'swarm-precision-postgres' : 'swarm-precision', {
      database: database.kind,
      dataset: {
        escalations: items.length, problems, windowMinutes: WINDOW_MINUTES, linkable: linkable.size, outOfReach: outOfReach.length, textRouted,
        routing: 'routing.example.yml', baseDate: BASE.toISOString(),
      },
      caveat: 'thresholds and swarm_norm were chosen on this same data; nothing is linked during the replay; every team is measured as if it detected swarms',
      production: {
        query: 'findSwarmMatch (src/db/swarm-store.ts): similarity(swarm_norm(i.summary), swarm_norm($summary))',
        defaults: {
          suggest: { ...row(headline.find((r) => r.threshold === DEFAULTS.suggest)!), falseLinkPairs: headline.find((r) => r.threshold === DEFAULTS.suggest)!.falseLinkPairs },
          link: { ...row(headline.find((r) => r.threshold === DEFAULTS.link)!), falseLinkPairs: headline.find((r) => r.threshold === DEFAULTS.link)!.falseLinkPairs },
        },
        grid: headline.map(row),
        lookup: { medianMs: round(median), p99Ms: round(p99), lookups: lookupMs.length },
      },
      comparison: grids.filter((g) => g.name !== HEADLINE).map((g) => ({ score: g.name, grid: g.grid.map(row) })),
    });
  } finally {
    await database.close();
    await storage?.drop();
  }
}

await main();
