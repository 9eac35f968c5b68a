/**
 * Times `frontline replay` over 90 days of history: 100,000 issues (issue 12's
 * target: the whole replay under 10 s), through the production entry point
 * `replayPeriod` (src/replay-command.ts): `historyBetween` loads the period, then
 * every issue is routed again through a changed matrix and judged on the new
 * calendars (`replayIssue`, `summarise`). Reported: the whole replay (3 runs, the
 * first cold as in the CLI, min and median), the load alone and the compute alone
 * (medians of 3), and the process's resident memory after the runs.
 *
 * The history is generated in SQL (seeding through the app would take hours):
 * a realistic mix of categories, levels and origins of routing.example.yml, 2% of
 * summaries naming a chargeback, GDPR or an attorney (the text route), each issue's
 * snapshot exactly what the app stores (`routeIssue(...).snapshot`, worked out in JS
 * for each combination); its timeline as the app writes it: filed, routed (with the
 * route's reasons), posted, then claimed for ~90%, resolved for ~80%, and a wait on
 * the customer (paused, resumed) for ~10%. Issues the clock has not reached yet stay open.
 * The changed matrix: medium at 30m / 4h instead of 1h / 1d, camera issues sent to the app team.
 * Before timing, a replay against the unchanged matrix must move nothing and change
 * no verdict: the seeded snapshots and routed events agree with the routing.
 *
 *   npm run bench:replay                                                       # in-memory PGlite
 *   BENCH_STORAGE=postgres BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/test npm run bench:replay
 *   BENCH_ISSUES=1000000 ...                                                   # another size (default 100,000)
 *
 * Both databases: run it twice, once per BENCH_STORAGE. On Postgres a scratch database
 * `frontline_replay_bench` is created, and dropped at the end.
 * Figures go to bench/results/replay-pglite.json and replay-postgres.json.
 */
import { readFileSync } from 'node:fs';
import { sql } from 'drizzle-orm';
import { openDatabase, type Database } from '../src/db/client.js';
import { historyBetween } from '../src/db/replay-history.js';
import { replayIssue, summarise, type Replay } from '../src/domain/replay.js';
import { loadMatrix } from '../src/domain/routing/load-matrix.js';
import type { Matrix } from '../src/domain/routing/matrix.js';
import { routeWithReasons } from '../src/domain/routing/route-issue.js';
import { replayPeriod } from '../src/replay-command.js';
import { scratchStorage } from './support/app-process.js';
import { ms, peakMemoryMb, printTable, writeResults } from './support/report.js';

const STORAGE = (process.env.BENCH_STORAGE ?? 'pglite') as 'pglite' | 'postgres';
if (STORAGE !== 'pglite' && STORAGE !== 'postgres') throw new Error(`BENCH_STORAGE=${STORAGE as string}: use pglite or postgres`);
const ISSUES = Number(process.env.BENCH_ISSUES ?? 100_000);
const RUNS = 3;
const TARGET_MS = 10_000;
const DAYS = 90;
const NOW = new Date('2026-11-30T09:00:00Z'); // a Monday; issues still open are judged as of then
const FROM = new Date(NOW.getTime() - DAYS * 86_400_000);

const EXAMPLE = readFileSync(new URL('../routing.example.yml', import.meta.url), 'utf8');

function replaced(text: string, from: string, to: string): string {
  if (!text.includes(from)) throw new Error(`routing.example.yml has changed: "${from.split('\n')[0]}" not found`);
  return text.replace(from, to);
}

/** As test/e2e/replay.test.ts changes it: medium tightened, camera issues to the app team. */
const CHANGED = replaced(
  replaced(EXAMPLE,
    'medium: { label: "Medium: needs product input",   ack: 1h,  resolve: 1d, calendar: office }',
    'medium: { label: "Medium: needs product input",   ack: 30m, resolve: 4h, calendar: office }'),
  '  - when: { category: camera }\n    team: camera', '  - when: { category: camera }\n    team: app');

function matrixFrom(text: string): Matrix {
  const result = loadMatrix(text);
  if (!result.ok) throw new Error(result.problems.map((p) => p.message).join('\n'));
  return result.matrix;
}

/** Shares in percent (each list sums to 100), expanded to 100 slots that SQL picks from. */
const CATEGORIES = { billing: 25, delivery: 20, camera: 15, app: 20, legal: 3, praise: 5, other: 12 };
const LEVELS = { easy: 50, medium: 35, hard: 15 };
const ORIGINS = { phone: 25, email: 30, chat: 25, twitter: 5, facebook: 4, instagram: 3, 'app-review': 5, other: 3 };
/** Share of issues whose text matches the legal text route. */
const TEXT_HITS = 0.02;

function slots(shares: Record<string, number>): string {
  const expanded = Object.entries(shares).flatMap(([key, share]) => Array.from({ length: share }, () => key));
  if (expanded.length !== 100) throw new Error(`shares sum to ${expanded.length}, not 100`);
  return `array[${expanded.map((k) => `'${k}'`).join(',')}]`;
}

const SUMMARIES = [
  'Refund not received after cancelling the subscription', 'Parcel marked delivered but never arrived', 'Camera goes offline every night',
  'Live view freezes after the latest update', 'Charged twice for the same order', 'Night vision shows a white haze',
  'App crashes when opening the event timeline', 'Cannot add a second camera to the account', 'Wrong item in the box',
  'Motion alerts arrive ten minutes late', 'Invoice shows the old company address', 'Battery drains in two days instead of two months',
];
const HIT_SUMMARIES = ['Customer threatens a chargeback over a late refund', 'GDPR request: delete all recordings', 'Attorney asks for footage from March'];
const DETAILS = ' Tried the usual steps from the knowledge base: restarted the device, reinstalled the app, checked the account settings and the '
  + 'billing history. The customer would like a call back tomorrow morning and has already written twice.';

/** Every (category, chosen level, origin, text hit) with what routeIssue makes of it: the snapshot and the routed event's details. */
function combinations(matrix: Matrix) {
  const rows = [];
  for (const category of Object.keys(CATEGORIES)) {
    for (const level of Object.keys(LEVELS)) {
      for (const origin of Object.keys(ORIGINS)) {
        for (const hit of [false, true]) {
          const summary = hit ? HIT_SUMMARIES[0]! : SUMMARIES[0]!;
          const { routed, route } = routeWithReasons(matrix, { category, level, origin, summary, details: null }, FROM);
          const { snapshot } = routed;
          const span = (d: { days: number; ms: number }) => d.days * 86_400_000 + d.ms; // wall clock: the due columns are approximations
          rows.push({
            category, chosen: level, origin, hit, team: snapshot.team.key, channel: snapshot.team.channel, level: snapshot.level.key,
            ack_ms: span(snapshot.level.ack), resolve_ms: span(snapshot.level.resolve), snapshot,
            routed: { route: snapshot.routeIndex, team: snapshot.team.key, channel: snapshot.team.channel, level: snapshot.level.key, cc: snapshot.cc, reasons: route.reasons },
          });
        }
      }
    }
  }
  return rows;
}

const textArray = (list: string[]) => `array[${list.map((t) => `'${t.replace(/'/g, "''")}'`).join(',')}]`;
const literal = (value: unknown) => `'${JSON.stringify(value).replace(/'/g, "''")}'`;
/** A stable uniform [0, 1) per issue and purpose, so every run seeds the same history. */
const u = (salt: string) => `((hashtext(i::text || '${salt}')::bigint + 2147483648) / 4294967296.0)`;

async function seed(db: Database['db'], matrix: Matrix): Promise<void> {
  const now = `timestamptz '${NOW.toISOString()}'`;
  await db.execute(sql.raw('drop table if exists bench_replay_seed'));
  // One row per issue: its facts, its combination's snapshot, and when things happened (null: not yet by NOW).
  await db.execute(sql.raw(`
    create table bench_replay_seed as
    with combos as (
      select * from jsonb_to_recordset(${literal(combinations(matrix))}::jsonb) as c(
        category text, chosen text, origin text, hit boolean, team text, channel text, level text, ack_ms bigint, resolve_ms bigint, snapshot jsonb, routed jsonb)
    ),
    facts as (
      select i,
        (${slots(CATEGORIES)})[1 + floor(${u('c')} * 100)::int] as category,
        (${slots(LEVELS)})[1 + floor(${u('l')} * 100)::int] as chosen,
        (${slots(ORIGINS)})[1 + floor(${u('o')} * 100)::int] as origin,
        ${u('t')} < ${TEXT_HITS} as hit,
        ${u('s')} as s, ${u('d')} as d, ${u('x')} as x, ${u('a')} as a, ${u('w')} as w,
        timestamptz '${FROM.toISOString()}' + ((i - 1 + ${u('f')}) / ${ISSUES}) * interval '${DAYS} days' as filed_at
      from generate_series(1, ${ISSUES}) as i
    ),
    timed as (
      select f.*, c.team, c.channel, c.level, c.ack_ms, c.resolve_ms, c.snapshot, c.routed,
        case when f.hit then (${textArray(HIT_SUMMARIES)})[1 + floor(f.s * ${HIT_SUMMARIES.length})::int]
          else (${textArray(SUMMARIES)})[1 + floor(f.s * ${SUMMARIES.length})::int] end
          || ' (order ' || (100000 + f.i) || ')' as summary,
        case when f.d < 0.6 then 'Customer reports: ' || lower((${textArray(SUMMARIES)})[1 + floor(f.d / 0.6 * ${SUMMARIES.length})::int]) || '.${DETAILS}' end as details,
        f.filed_at + make_interval(secs => 60 + 36000 * f.a ^ 3) as claim_at,          -- median about 75 minutes, up to 10 hours
        make_interval(secs => 600 + 259200 * f.w ^ 3) as work                          -- median about 4.5 hours, up to 3 days
      from facts f join combos c using (category, chosen, origin, hit)
    )
    select t.*,
      case when t.x < 0.9 and t.claim_at < ${now} then t.claim_at end as claimed_at,
      case when t.x < 0.8 and t.claim_at + t.work < ${now} then t.claim_at + t.work end as resolved_at,
      case when t.x < 0.1 and t.claim_at + t.work < ${now} then t.claim_at + t.work * 0.3 end as paused_at,
      case when t.x < 0.1 and t.claim_at + t.work < ${now} then t.claim_at + t.work * 0.7 end as resumed_at
    from timed t`));
  await db.execute(sql.raw(`
    insert into issues (id, category, level, origin, team, channel, card_ts, summary, details, agent_id, claimer_id, status, resolution, snapshot,
      filed_at, ack_due_at, resolve_due_at, resolve_started_at, claimed_at, resolved_at, resolved_by, ack_started_at, paused_ms, paused_open_ms,
      resolve_target_ms, ack_tier, updated_at)
    select i, category, level, origin, team, channel, '1764000000.' || lpad(i::text, 6, '0'), summary, details, 'U0AGENT' || (i % 40),
      case when claimed_at is not null then 'U0EXPERT' || (i % 25) end,
      case when resolved_at is not null then 'resolved' when claimed_at is not null then 'claimed' else 'unclaimed' end,
      case when resolved_at is not null then 'Sorted: see the thread.' end,
      snapshot, filed_at, filed_at + ack_ms * interval '1 millisecond', filed_at + resolve_ms * interval '1 millisecond', filed_at,
      claimed_at, resolved_at, case when resolved_at is not null then 'U0EXPERT' || (i % 25) end, filed_at,
      coalesce(extract(epoch from resumed_at - paused_at) * 1000, 0)::bigint, coalesce(extract(epoch from resumed_at - paused_at) * 1000, 0)::bigint,
      resolve_ms, case when coalesce(claimed_at, ${now}) > filed_at + ack_ms * interval '1 millisecond' then 1 else 0 end,
      coalesce(resolved_at, claimed_at, filed_at)
    from bench_replay_seed order by i`));
  await db.execute(sql.raw(`select setval(pg_get_serial_sequence('issues', 'id'), ${ISSUES})`));
  // The timeline as the app appends it: ids in the order things happened, issues interleaved.
  await db.execute(sql.raw(`
    insert into issue_events (issue_id, type, actor, team, category, level, origin, at, details)
    select i, type, actor, team, category, level, origin, at, details from (
      select i, 1 as step, 'filed' as type, 'U0AGENT' || (i % 40) as actor, team, category, level, origin, filed_at as at,
        jsonb_build_object('category', category, 'level', chosen, 'origin', origin) as details from bench_replay_seed
      union all
      select i, 2, 'routed', null, team, category, level, origin, filed_at, routed from bench_replay_seed
      union all
      select i, 3, 'posted', null, team, category, level, origin, filed_at + interval '1 second',
        jsonb_build_object('channel', channel, 'ts', '1764000000.' || lpad(i::text, 6, '0')) from bench_replay_seed
      union all
      select i, 4, 'claimed', 'U0EXPERT' || (i % 25), team, category, level, origin, claimed_at,
        jsonb_build_object('via', 'button', 'ackMs', (extract(epoch from claimed_at - filed_at) * 1000)::bigint,
          'late', claimed_at > filed_at + ack_ms * interval '1 millisecond') from bench_replay_seed where claimed_at is not null
      union all
      select i, 5, 'paused', 'U0EXPERT' || (i % 25), team, category, level, origin, paused_at,
        jsonb_build_object('question', 'Which address should it show?', 'remainingMs', resolve_ms) from bench_replay_seed where paused_at is not null
      union all
      select i, 6, 'resumed', null, team, category, level, origin, resumed_at,
        jsonb_build_object('via', 'agent_reply', 'pausedMs', (extract(epoch from resumed_at - paused_at) * 1000)::bigint, 'answer', 'The new one.')
        from bench_replay_seed where resumed_at is not null
      union all
      select i, 7, 'resolved', 'U0EXPERT' || (i % 25), team, category, level, origin, resolved_at,
        jsonb_build_object('note', 'Sorted: see the thread.', 'resolveMs', (extract(epoch from resolved_at - filed_at) * 1000)::bigint,
          'late', resolved_at > filed_at + resolve_ms * interval '1 millisecond', 'firstTime', true) from bench_replay_seed where resolved_at is not null
    ) e order by at, i, step`));
  await db.execute(sql.raw('drop table bench_replay_seed'));
  // As autovacuum would have left a long-lived database: statistics fresh, visibility map set.
  await db.execute(sql.raw('vacuum analyze'));
}

async function count(db: Database['db'], query: string): Promise<number> {
  const result = (await db.execute(sql.raw(query))) as unknown as Array<{ n: number }> | { rows: Array<{ n: number }> };
  return Number((Array.isArray(result) ? result : result.rows)[0]!.n);
}

const median = (samples: number[]) => [...samples].sort((a, b) => a - b)[Math.floor(samples.length / 2)]!;
const mb = (bytes: number) => Math.round(bytes / 1024 / 1024);

async function main() {
  const original = matrixFrom(EXAMPLE);
  const changed = matrixFrom(CHANGED);
  const storage = STORAGE === 'postgres' ? await scratchStorage('postgres', 'replay-bench') : undefined;
  const database = await openDatabase({ url: storage?.env.DATABASE_URL });
  try {
    let started = performance.now();
    await seed(database.db, original);
    const seedMs = performance.now() - started;
    const events = await count(database.db, 'select count(*)::int as n from issue_events');
    const claimed = await count(database.db, 'select count(*)::int as n from issues where claimed_at is not null');
    const resolved = await count(database.db, 'select count(*)::int as n from issues where resolved_at is not null');
    const paused = await count(database.db, "select count(*)::int as n from issue_events where type = 'paused'");
    process.stdout.write(`seeded ${ISSUES.toLocaleString('en')} issues (${claimed.toLocaleString('en')} claimed, ${resolved.toLocaleString('en')} resolved, `
      + `${paused.toLocaleString('en')} with a wait) and ${events.toLocaleString('en')} events on ${database.kind} in ${(seedMs / 1000).toFixed(1)} s\n`);

    // The seeding agrees with the routing: the unchanged matrix moves nothing and changes no verdict. Not timed.
    const same = await replayPeriod(database.db, original, FROM, NOW, NOW);
    const t = same.totals;
    if (same.issues !== ISSUES || same.moved.length || t.ackMissedBefore !== t.ackMissedAfter || t.resolveMissedBefore !== t.resolveMissedAfter) {
      throw new Error(`the unchanged matrix changes the history: ${JSON.stringify({ issues: same.issues, moved: same.moved.map((m) => [m.from, m.to, m.count]), totals: t })}`);
    }

    const totals: number[] = [];
    let replay: Replay | undefined;
    for (let run = 0; run < RUNS; run++) {
      started = performance.now();
      replay = await replayPeriod(database.db, changed, FROM, NOW, NOW);
      totals.push(performance.now() - started);
    }
    const loads: number[] = [];
    const computes: number[] = [];
    for (let run = 0; run < RUNS; run++) {
      started = performance.now();
      const history = await historyBetween(database.db, FROM, NOW);
      loads.push(performance.now() - started);
      started = performance.now();
      summarise(history.map((issue) => replayIssue(changed, issue, NOW)));
      computes.push(performance.now() - started);
    }
    const memory = process.memoryUsage();
    const r = replay!;
    if (r.issues !== ISSUES) throw new Error(`replayed ${r.issues} issues, not ${ISSUES}`);

    printTable(`frontline replay of ${ISSUES.toLocaleString('en')} issues over ${DAYS} days on ${database.kind} (target under ${TARGET_MS / 1000} s)`, [
      { measure: 'replayPeriod (total)', first: ms(totals[0]!), min: ms(Math.min(...totals)), median: ms(median(totals)) },
      { measure: 'historyBetween (load)', first: ms(loads[0]!), min: ms(Math.min(...loads)), median: ms(median(loads)) },
      { measure: 'replayIssue + summarise (compute)', first: ms(computes[0]!), min: ms(Math.min(...computes)), median: ms(median(computes)) },
    ]);
    const moved = r.moved.reduce((n, m) => n + m.count, 0);
    process.stdout.write(`\nmoved ${moved.toLocaleString('en')} (${r.moved.map((m) => `${m.from} -> ${m.to} ${m.count}`).join(', ')}); `
      + `ack missed ${r.totals.ackMissedBefore} -> ${r.totals.ackMissedAfter}, resolve missed ${r.totals.resolveMissedBefore} -> ${r.totals.resolveMissedAfter}; `
      + `catch-all ${r.catchAll.count}\n`);
    const rssMb = mb(memory.rss);
    const peakMb = peakMemoryMb(process.pid);
    process.stdout.write(`memory after the runs: rss ${rssMb} MB, heap used ${mb(memory.heapUsed)} MB; peak rss (VmHWM, seeding included) ${peakMb} MB\n`);
    const verdict = median(totals) < TARGET_MS ? 'met' : 'MISSED';
    process.stdout.write(`target ${verdict}: median ${ms(median(totals))} for ${ISSUES.toLocaleString('en')} issues (under ${TARGET_MS / 1000} s)\n`);

    writeResults(`replay-${STORAGE}`, {
      database: database.kind, issues: ISSUES, events, claimed, resolved, paused, days: DAYS, now: NOW.toISOString(), seedMs: Math.round(seedMs), runs: RUNS,
      targetMs: TARGET_MS, met: verdict === 'met',
      totalMs: { runs: totals.map(Math.round), min: Math.round(Math.min(...totals)), median: Math.round(median(totals)) },
      loadMs: { runs: loads.map(Math.round), min: Math.round(Math.min(...loads)), median: Math.round(median(loads)) },
      computeMs: { runs: computes.map(Math.round), min: Math.round(Math.min(...computes)), median: Math.round(median(computes)) },
      memoryMb: { rss: rssMb, heapUsed: mb(memory.heapUsed), peakRss: peakMb },
      replay: { moved, moves: r.moved.map((m) => ({ from: m.from, to: m.to, count: m.count })), totals: r.totals, catchAll: r.catchAll.count },
    });
  } finally {
    await database.close();
    await storage?.drop();
  }
}

await main();
