/**
 * How precise swarm detection is: when many agents escalate the same outage, a new escalation
 * that resembles an earlier one of the same category is linked to it. Similarity is Postgres
 * trigram similarity (pg_trgm), so the candidate search can run in the database.
 *
 * bench/data/swarm-escalations.json is one hand-written day at "Lumen" (232 escalations): several
 * swarms (an app login outage, a double charge on renewals, a carrier delay, a firmware update
 * bricking cameras, a phishing text), one-off issues worded like them, and two app problems at
 * once. Each item's `problem` is the ground truth: escalations of one real problem share it.
 *
 * The escalations are replayed in filing order. For each, the best-scoring EARLIER escalation of
 * the same category filed within the window is its candidate; it is linked when the score reaches
 * the threshold. A link is correct when the candidate has the same problem. Recall is over the
 * escalations that could be linked correctly (an earlier one of the same problem and category in
 * the window). The threshold is chosen on the same data it is measured on, so the 95% lower bound
 * of precision (Wilson) is printed beside it: with a few dozen links, 1.00 is not a guarantee.
 *
 *   npx tsx bench/swarm-precision-benchmark.ts
 *   SWARM_WINDOW_MINUTES=120 npx tsx bench/swarm-precision-benchmark.ts
 */
import { readFileSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
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

/** The best earlier candidate of one escalation under one expression, if it had any. */
interface Candidate {
  id: number;
  problem: string;
  score: number;
}

const WINDOW_MINUTES = Number(process.env.SWARM_WINDOW_MINUTES ?? 180);
const TARGET_PRECISION = 0.95;
const THRESHOLDS = Array.from({ length: 13 }, (_, i) => Number((0.2 + i * 0.05).toFixed(2)));

/**
 * Text reduced to the words that tell problems apart, as an immutable SQL function so that
 * production can keep it in a generated column. pg_trgm already lowercases and ignores
 * punctuation; this also joins contractions ("can't" and "cant" are both typed), drops @handles
 * (every tweet names @LumenCams) and words that every escalation shares, whichever problem it is
 * about ("customer", "cx", "says", "my"). "in" stays: "log in" and "sign in" need it.
 */
const NORMALISE = String.raw`
  create function swarm_norm(t text) returns text language sql immutable as $$
    select btrim(regexp_replace(regexp_replace(regexp_replace(regexp_replace(regexp_replace(lower(t),
      '[''’]', '', 'g'),
      '@\w+', ' ', 'g'),
      '[^a-z0-9]+', ' ', 'g'),
      '\m(the|a|an|and|or|but|to|of|for|is|are|was|be|it|its|this|that|my|me|i|im|we|our|you|your|ur|he|she|her|his|him|they|their|has|have|had|just|so|at|with|from|by|as|if|what|why|how|there|too|very|lol|please|pls|customer|customers|cx|lumen|says|asks|asking|wants|fb|ig|dm|msg|review|star)\M', ' ', 'g'),
      ' +', ' ', 'g'))
  $$`;

const SCHEMA = `
  create table escalations (
    id int primary key,
    category text not null,
    origin text not null,
    minute int not null,
    summary text not null,
    details text,
    problem text not null,
    norm_summary text generated always as (swarm_norm(summary)) stored,
    norm_text text generated always as (swarm_norm(summary || ' ' || coalesce(details, ''))) stored
  );
  create index on escalations (category, minute)`;

/** Scoring expressions over the new escalation `a` and an earlier one `b`. */
const both = (fn: string, x: string, y: string) => `greatest(${fn}(${x}, ${y}), ${fn}(${y}, ${x}))`;
const fullText = (t: string) => `${t}.summary || ' ' || coalesce(${t}.details, '')`;
const EXPRESSIONS: Array<{ name: string; sql: string }> = [
  { name: 'summary', sql: 'similarity(a.summary, b.summary)' },
  { name: 'summary+details', sql: `similarity(${fullText('a')}, ${fullText('b')})` },
  { name: 'word, summary', sql: both('word_similarity', 'a.summary', 'b.summary') },
  { name: 'strict word, summary', sql: both('strict_word_similarity', 'a.summary', 'b.summary') },
  { name: 'strict word, summary+details', sql: both('strict_word_similarity', fullText('a'), fullText('b')) },
  { name: 'normalised summary', sql: 'similarity(a.norm_summary, b.norm_summary)' },
  { name: 'normalised summary+details', sql: 'similarity(a.norm_text, b.norm_text)' },
  { name: 'normalised strict word, summary', sql: both('strict_word_similarity', 'a.norm_summary', 'b.norm_summary') },
];

/** The candidate query: earlier escalations of the same category in the window, best score first. */
const candidateQuery = (expression: string) => `
  select b.id, b.problem, (${expression})::float8 as score
  from escalations a
  join escalations b on b.category = a.category and b.id < a.id and b.minute >= a.minute - $2
  where a.id = $1
  order by score desc, b.id desc
  limit 1`;

function loadEscalations(): Escalation[] {
  const items = JSON.parse(readFileSync(new URL('./data/swarm-escalations.json', import.meta.url), 'utf8')) as Escalation[];
  return items.sort((x, y) => x.minute - y.minute || x.id - y.id);
}

/** Escalations with an earlier one of the same problem in the window: `linkable` if it is also of the same category. */
function groundTruth(items: Escalation[]) {
  const earlier = (e: Escalation, sameCategory: boolean) => items.some((b) => b.id !== e.id && b.problem === e.problem
    && b.minute <= e.minute && b.id < e.id && b.minute >= e.minute - WINDOW_MINUTES && (!sameCategory || b.category === e.category));
  const linkable = new Set(items.filter((e) => earlier(e, true)).map((e) => e.id));
  const otherCategory = items.filter((e) => !linkable.has(e.id) && earlier(e, false)).map((e) => e.id);
  return { linkable, otherCategory };
}

/** Replays the day: files each escalation, then asks every expression for its best candidate. */
async function replay(db: PGlite, items: Escalation[]) {
  const best = new Map<string, Map<number, Candidate>>(EXPRESSIONS.map((x) => [x.name, new Map()]));
  const times = new Map<string, number[]>(EXPRESSIONS.map((x) => [x.name, []]));
  for (const e of items) {
    await db.query('insert into escalations (id, category, origin, minute, summary, details, problem) values ($1, $2, $3, $4, $5, $6, $7)',
      [e.id, e.category, e.origin, e.minute, e.summary, e.details, e.problem]);
    for (const x of EXPRESSIONS) {
      const started = performance.now();
      const { rows } = await db.query<Candidate>(candidateQuery(x.sql), [e.id, WINDOW_MINUTES]);
      times.get(x.name)!.push(performance.now() - started);
      if (rows[0]) best.get(x.name)!.set(e.id, rows[0]);
    }
  }
  return { best, times };
}

/** The 95% Wilson lower bound of a proportion. */
function wilsonLower(successes: number, n: number): number {
  if (n === 0) return NaN;
  const z = 1.96;
  const p = successes / n;
  return (p + (z * z) / (2 * n) - z * Math.sqrt((p * (1 - p)) / n + (z * z) / (4 * n * n))) / (1 + (z * z) / n);
}

function evaluate(items: Escalation[], best: Map<number, Candidate>, linkable: Set<number>, threshold: number) {
  let links = 0;
  let correct = 0;
  const falseLinks: Array<{ id: number; to: number; score: number }> = [];
  for (const e of items) {
    const c = best.get(e.id);
    if (!c || c.score < threshold) continue;
    links++;
    if (c.problem === e.problem) correct++;
    else falseLinks.push({ id: e.id, to: c.id, score: Number(c.score.toFixed(3)) });
  }
  const precision = links ? correct / links : NaN;
  return { threshold, links, correct, falseLinks: falseLinks.length, precision, precisionLower95: wilsonLower(correct, links),
    recall: correct / linkable.size, falseLinkPairs: falseLinks };
}

type Row = ReturnType<typeof evaluate>;

/** Highest recall with precision at the target (ties: the higher threshold, for margin); else the most precise. */
function bestRow(grid: Row[]): { row: Row; meetsTarget: boolean } {
  const meeting = grid.filter((r) => r.links > 0 && r.precision >= TARGET_PRECISION);
  if (meeting.length) return { row: meeting.reduce((x, y) => (y.recall >= x.recall ? y : x)), meetsTarget: true };
  const linked = grid.filter((r) => r.links > 0);
  return { row: linked.reduce((x, y) => (y.precision > x.precision || (y.precision === x.precision && y.recall > x.recall) ? y : x)), meetsTarget: false };
}

const f2 = (n: number) => (Number.isFinite(n) ? n.toFixed(2) : '—');

async function main() {
  const items = loadEscalations();
  const { linkable, otherCategory } = groundTruth(items);
  const db = await PGlite.create({ extensions: { pg_trgm } });
  try {
    await db.exec('create extension if not exists pg_trgm');
    await db.exec(NORMALISE);
    await db.exec(SCHEMA);
    const { best, times } = await replay(db, items);

    const results = EXPRESSIONS.map((x) => {
      const grid = THRESHOLDS.map((t) => evaluate(items, best.get(x.name)!, linkable, t));
      const lookups = times.get(x.name)!;
      return { name: x.name, sql: x.sql, medianLookupMs: percentile(lookups, 0.5), p90LookupMs: percentile(lookups, 0.9), grid, ...bestRow(grid) };
    });
    const problems = new Set(items.map((e) => e.problem)).size;
    console.log(`${items.length} escalations, ${problems} problems; window ${WINDOW_MINUTES} min; ${linkable.size} could be linked correctly, `
      + `${otherCategory.length} more have an earlier same-problem escalation only in another category (out of reach)`);

    printTable(`Best threshold per expression (highest recall with precision >= ${TARGET_PRECISION})`, results.map((r) => ({
      expression: r.name, threshold: r.meetsTarget ? f2(r.row.threshold) : `${f2(r.row.threshold)} (none ≥ ${TARGET_PRECISION})`,
      links: r.row.links, false: r.row.falseLinks, precision: f2(r.row.precision), 'precision 95% low': f2(r.row.precisionLower95),
      recall: f2(r.row.recall), 'median lookup': `${r.medianLookupMs.toFixed(2)} ms`,
    })));
    printTable('Full grid: precision / recall / false links at each threshold', results.map((r) => ({
      expression: r.name, ...Object.fromEntries(r.grid.map((g) => [f2(g.threshold), `${f2(g.precision)}/${f2(g.recall)}/${g.falseLinks}`])),
    })));

    const meeting = results.filter((r) => r.meetsTarget);
    const chosen = meeting.length ? meeting.reduce((x, y) => (y.row.recall > x.row.recall ? y : x)) : undefined;
    if (chosen) {
      // The rule alone can pick a threshold that links almost nothing: say what the choice rests on.
      console.log(`\nrecommended: ${chosen.name} >= ${f2(chosen.row.threshold)}   ${chosen.sql}`);
      console.log(`  on ${chosen.row.links} links: precision ${f2(chosen.row.precision)} (95% lower bound ${f2(chosen.row.precisionLower95)}), `
        + `recall ${f2(chosen.row.recall)} (${chosen.row.correct} of ${linkable.size})`);
      const byId = new Map(items.map((e) => [e.id, e]));
      for (const l of chosen.row.falseLinkPairs) {
        console.log(`  false link ${l.score.toFixed(2)}: #${l.id} "${byId.get(l.id)!.summary}" -> #${l.to} "${byId.get(l.to)!.summary}"`);
      }
    }

    writeResults('swarm-precision', {
      dataset: { escalations: items.length, problems, windowMinutes: WINDOW_MINUTES, linkable: linkable.size, outOfReachOtherCategory: otherCategory.length },
      targetPrecision: TARGET_PRECISION,
      recommended: chosen ? {
        expression: chosen.name, sql: chosen.sql, threshold: chosen.row.threshold, links: chosen.row.links,
        precision: chosen.row.precision, precisionLower95: chosen.row.precisionLower95, recall: chosen.row.recall,
      } : null,
      expressions: results.map((r) => ({
        name: r.name, sql: r.sql, medianLookupMs: Number(r.medianLookupMs.toFixed(3)), p90LookupMs: Number(r.p90LookupMs.toFixed(3)),
        best: { meetsTarget: r.meetsTarget, ...r.row },
        grid: r.grid.map(({ falseLinkPairs: _, ...g }) => g),
      })),
    });
  } finally {
    await db.close();
  }
}

await main();
