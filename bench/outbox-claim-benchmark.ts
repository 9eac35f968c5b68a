/**
 * What it costs a sender to claim a lane and take its next message, with 10 messages pending and
 * with 100,000 (a long Slack outage's backlog). Target: the same either way:
 * lanes with work are found through an index on outbox_lanes, and a lane's head
 * through an index on (lane, id) of pending messages.
 *
 *   npx tsx bench/outbox-claim-benchmark.ts          # PGlite
 *   BENCH_STORAGE=postgres npx tsx ...
 */
import { sql } from 'drizzle-orm';
import { openDatabase } from '../src/db/client.js';
import { claimLanes, enqueue, releaseLane, takeNext } from '../src/db/outbox-store.js';
import { scratchStorage } from './support/app-process.js';
import { percentile, printTable, writeResults } from './support/report.js';

const STORAGE = (process.env.BENCH_STORAGE ?? 'pglite') as 'pglite' | 'postgres';
const SIZES = [10, 100_000];
const LANES = 50;

async function claimCost(pending: number) {
  const storage = await scratchStorage(STORAGE, `claim-bench-${pending}`);
  const database = await openDatabase({ url: storage.env.DATABASE_URL, dataDir: storage.env.DATA_DIR });
  try {
    const now = new Date();
    // The backlog: digests (they need no issue) spread over LANES channels, queued as the app queues them.
    await enqueue(database.db, now, ...Array.from({ length: LANES }, (_, i) => ({
      kind: 'digest' as const, name: 'd', to: `C0LANE${i}`, from: now.toISOString(), until: now.toISOString(), late: false,
    })));
    if (pending > LANES) {
      await database.db.execute(sql.raw(`insert into outbox (kind, payload, lane, available_at, created_at)
        select 'digest', '{"name":"d","to":"x","from":"2026-01-01T00:00:00.000Z","until":"2026-01-01T00:00:00.000Z","late":false}'::jsonb,
          'C0LANE' || (i % ${LANES}), now(), now() from generate_series(1, ${pending - LANES}) as i`));
      await database.db.execute(sql.raw('vacuum analyze'));
    }
    const times: number[] = [];
    for (let i = 0; i < 200; i++) {
      const started = performance.now();
      const [lane] = await claimLanes(database.db, now, 1, 60_000);
      await takeNext(database.db, lane!.lane, [], now, 10); // as the sender takes them: up to 10 at once
      times.push(performance.now() - started);
      await releaseLane(database.db, lane!, now); // hand it back with its messages, as a sender that must wait does
    }
    return { pending, median: percentile(times.slice(20), 0.5), p90: percentile(times.slice(20), 0.9) };
  } finally {
    await database.close();
    await storage.drop();
  }
}

const results: Array<Awaited<ReturnType<typeof claimCost>>> = [];
for (const size of SIZES) results.push(await claimCost(size));
printTable(`Claiming a lane and taking its next messages (up to 10), on ${STORAGE}`, results.map((r) => ({
  pending: r.pending.toLocaleString('en'), median: `${r.median.toFixed(2)} ms`, p90: `${r.p90.toFixed(2)} ms`,
  'vs 10 pending': `${(r.median / results[0]!.median).toFixed(2)}x`,
})));
writeResults(`outbox-claim-${STORAGE}`, results);
