/**
 * Times one manager digest over a year of data: 1,000,000 issues with a realistic
 * mix of teams, levels, origins, claim and resolve times.
 *
 *   BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/test npm run bench
 *
 * It creates (and afterwards drops, unless BENCH_KEEP=1) a database `frontline_bench` on that server.
 * Without BENCH_DATABASE_URL it runs on in-memory PGlite with 100,000 issues.
 * Target: under 1 s per digest on real Postgres.
 */
import { sql } from 'drizzle-orm';
import { composeDigest } from '../src/app/compose-digest.js';
import type { AppContext } from '../src/app/context.js';
import { connectTo, openDatabase } from '../src/db/client.js';
import { loadMatrix } from '../src/domain/routing/load-matrix.js';
import { createLogger } from '../src/logger.js';
import { readFileSync } from 'node:fs';
import { ownerDirectory } from '../src/app/owner-directory.js';

const serverUrl = process.env.BENCH_DATABASE_URL;
const ISSUES = Number(process.env.BENCH_ISSUES ?? (serverUrl ? 1_000_000 : 100_000));
const NOW = new Date('2026-11-30T09:00:00Z');

async function benchDatabaseUrl(): Promise<string | undefined> {
  if (!serverUrl) return undefined;
  const admin = connectTo(serverUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe('drop database if exists frontline_bench with (force)');
  await admin.unsafe('create database frontline_bench');
  await admin.end();
  const url = new URL(serverUrl);
  url.pathname = '/frontline_bench';
  return url.toString();
}

/** A year of issues, generated in SQL: seeding through the app would take hours. */
const seed = (count: number) => sql.raw(`
  insert into issues (category, level, origin, team, channel, summary, agent_id, status, snapshot,
    filed_at, ack_started_at, ack_due_at, resolve_started_at, resolve_due_at, resolve_target_ms, claimer_id, claimed_at, resolved_at,
    resolved_by, resolution, reopen_count, reroute_count, ack_tier, resolve_tier, updated_at)
  select
    (array['billing','delivery','camera','app','legal','praise','other'])[1 + (h % 7)],
    (array['easy','easy','medium','hard'])[1 + (h / 7 % 4)],
    (array['phone','phone','email','email','chat','twitter','facebook','instagram','app-review','other'])[1 + (h / 29 % 10)],
    (array['billing','delivery','camera','app','legal','delight','triage'])[1 + (h % 7)],
    'C0BENCH', 'Benchmark issue ' || i, 'U0AGENT' || (h % 40),
    case when r < 0.93 then 'resolved' when r < 0.97 then 'claimed' else 'unclaimed' end,
    '{}'::jsonb,
    filed, filed, filed + ack_target, filed, filed + interval '1 day', 86400000,
    case when r < 0.97 then 'U0EXPERT' || (h % 25) end,
    case when r < 0.97 then filed + ack end,
    case when r < 0.93 then filed + ack + work end,
    case when r < 0.93 then 'U0EXPERT' || (h % 25) end,
    case when r < 0.93 then 'Benchmark resolution' end,
    case when r > 0.91 and r < 0.93 then 1 else 0 end,
    case when h % 53 = 0 then 1 else 0 end,
    case when ack > ack_target then 1 + (h % 3) else 0 end, 0,
    filed
  from (
    select i, h, r,
      timestamptz '2025-11-30 00:00:00+00' + (i::float / ${count} * interval '365 days') as filed,
      (array[interval '4 hours', interval '1 hour', interval '15 minutes'])[1 + (h % 3)] as ack_target,
      make_interval(mins => (h % 180)) as ack,
      make_interval(hours => (h % 47)) as work
    from (select i, abs(hashtext(i::text)) as h, random() as r from generate_series(1, ${count}) as i) s
  ) t`);

/** The timeline the digest reads: filings, acknowledgements, resolutions, reopenings and tier-2 escalations. */
const seedEvents = sql.raw(`
  insert into issue_events (issue_id, type, actor, team, category, level, origin, at, details)
  select id, 'filed', agent_id, team, category, level, origin, filed_at, jsonb_build_object('category', category, 'level', level, 'origin', origin) from issues
  union all
  select id, 'claimed', claimer_id, team, category, level, origin, claimed_at,
    jsonb_build_object('via', 'button', 'ackMs', (extract(epoch from claimed_at - ack_started_at) * 1000)::bigint, 'late', claimed_at > ack_due_at)
    from issues where claimed_at is not null
  union all
  select id, 'resolved', resolved_by, team, category, level, origin, resolved_at,
    jsonb_build_object('note', resolution, 'resolveMs', (extract(epoch from resolved_at - filed_at) * 1000)::bigint, 'late', resolved_at > resolve_due_at,
      'firstTime', reopen_count = 0 and reroute_count = 0)
    from issues where resolved_at is not null
  union all
  select id, 'reopened', agent_id, team, category, level, origin, resolved_at + interval '1 hour', '{}'::jsonb from issues where reopen_count > 0
  union all
  select id, 'escalated', null, team, category, level, origin, ack_due_at + interval '30 minutes', jsonb_build_object('target', 'ack', 'tier', ack_tier)
    from issues where ack_tier >= 2`);

async function main() {
  const url = await benchDatabaseUrl();
  const database = await openDatabase({ url });
  const loaded = loadMatrix(readFileSync(new URL('../routing.example.yml', import.meta.url), 'utf8'));
  if (!loaded.ok) throw new Error('routing.example.yml is invalid');
  try {
    let started = Date.now();
    await database.db.execute(seed(ISSUES));
    await database.db.execute(seedEvents);
    // As autovacuum would have left a long-lived database: statistics fresh, visibility map set.
    await database.db.execute(sql.raw('vacuum analyze'));
    console.log(`seeded ${ISSUES.toLocaleString('en')} issues on ${database.kind} in ${((Date.now() - started) / 1000).toFixed(1)} s`);

    const ctx: AppContext = {
      db: database.db, matrix: loaded.matrix, now: () => NOW, log: createLogger('silent'), kickOutbox: () => {},
      owners: ownerDirectory(async () => [], createLogger('silent')), channelMembers: async () => [],
    };
    const cases = [
      { label: 'weekly, all teams', digest: { name: 'support-weekly', timezone: 'Europe/London' }, days: 7 },
      { label: 'daily, billing and legal', digest: { name: 'billing-daily', timezone: 'America/New_York', teams: ['billing', 'legal'] }, days: 1 },
      { label: 'monthly, all teams', digest: { name: 'monthly', timezone: 'Europe/London' }, days: 30 },
    ];
    for (const c of cases) {
      const period = { from: new Date(NOW.getTime() - c.days * 86_400_000), to: NOW };
      const times: number[] = [];
      let filed = 0;
      for (let run = 0; run < 5; run++) {
        started = performance.now();
        filed = (await composeDigest(ctx, c.digest, period)).volume.current.filed;
        times.push(performance.now() - started);
      }
      times.sort((a, b) => a - b);
      console.log(`digest ${c.label.padEnd(26)} ${filed.toLocaleString('en').padStart(7)} issues filed · median ${times[2]!.toFixed(0)} ms · worst ${times[4]!.toFixed(0)} ms (5 runs)`);
    }
  } finally {
    await database.close();
    // BENCH_KEEP=1 leaves the seeded database for EXPLAIN ANALYZE.
    if (serverUrl && !process.env.BENCH_KEEP) {
      const admin = connectTo(serverUrl, { max: 1, onnotice: () => {} });
      await admin.unsafe('drop database if exists frontline_bench with (force)');
      await admin.end();
    }
  }
}

await main();
