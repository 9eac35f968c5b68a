/**
 * The clock under load: how late reminders reach Slack, and what a sweep costs
 * when nothing is due.
 *
 * 1. Lateness. Frontline runs as its own process with SEEDED open issues (each
 *    with pending timers far in the future) and SWEEP_INTERVAL_MS at 60 s.
 *    A hundred issues are filed over ten seconds on a level whose 50% reminder
 *    falls 10 s after filing; each reminder's arrival in the sandbox is compared
 *    with its due time. Target: p99 within 1 s, whatever the sweep interval.
 * 2. Sweep cost with nothing due, in this process, at two sizes of backlog.
 *    Target: at most 2x higher at the larger.
 *
 *   npx tsx bench/timer-benchmark.ts                     # PGlite: 10,000 seeded; sweep at 10,000 and 100,000
 *   BENCH_STORAGE=postgres BENCH_FULL=1 npx tsx ...      # 100,000 seeded; sweep at 10,000 and 1,000,000
 */
import { createLogger } from '../src/logger.js';
import { fireDueTimers } from '../src/app/fire-timers.js';
import { ownerDirectory } from '../src/app/owner-directory.js';
import type { AppContext } from '../src/app/context.js';
import { openDatabase } from '../src/db/client.js';
import { claimLanes } from '../src/db/outbox-store.js';
import { nextDueTimer } from '../src/db/timer-store.js';
import { loadMatrix } from '../src/domain/routing/load-matrix.js';
import { routeIssue } from '../src/domain/routing/route-issue.js';
import { SlackDriver } from '../src/sandbox/driver.js';
import { SlackSandbox } from '../src/sandbox/slack-server.js';
import { AGENTS, FRONTLINE_CHANNEL, seedWorkspace } from '../src/sandbox/workspace.js';
import { scratchStorage, startFrontlineProcess } from './support/app-process.js';
import { arrivedAt, quickFormsAtRate } from './support/load.js';
import { ms, percentile, printTable, writeResults } from './support/report.js';
import { seedOpenIssues } from './support/seed.js';

const STORAGE = (process.env.BENCH_STORAGE ?? 'pglite') as 'pglite' | 'postgres';
const FULL = process.env.BENCH_FULL === '1';
const SEEDED = Number(process.env.BENCH_SEEDED ?? (FULL ? 100_000 : 10_000));
const SWEEP_SIZES = FULL ? [10_000, 1_000_000] : [10_000, 100_000];
const CHANNELS = 10;
const ROUTING = `version: 1
timezone: Europe/London
levels:
  quick: { label: "Quick: 20 seconds", ack: 20s, resolve: 1h, calendar: always }
nudges: [50%]
origins: [phone, other]
categories:
${Array.from({ length: CHANNELS }, (_, i) => `  c${i}: { label: "Category ${i}" }`).join('\n')}
teams:
${Array.from({ length: CHANNELS }, (_, i) => `  t${i}: { channel: C0TIMER${i}, owners: [U0OWNER${i}], escalation: { ack: [{ notify: [U0LEAD] }] } }`).join('\n')}
routes:
${Array.from({ length: CHANNELS }, (_, i) => `  - when: { category: c${i} }\n    team: t${i}`).join('\n')}
  - team: t0
`;
const loaded = loadMatrix(ROUTING);
if (!loaded.ok) throw new Error(loaded.problems.map((p) => p.message).join('\n'));
const matrix = loaded.matrix;
const seededSnapshot = routeIssue(matrix, { category: 'c0', level: 'quick', origin: 'phone', summary: '' }, new Date()).snapshot;

async function lateness() {
  const storage = await scratchStorage(STORAGE, 'timer-bench');
  const seeding = await openDatabase({ url: storage.env.DATABASE_URL, dataDir: storage.env.DATA_DIR });
  await seedOpenIssues(seeding.db, SEEDED, seededSnapshot, 'C0TIMER0');
  await seeding.close();
  const slack = await new SlackSandbox(null).start();
  seedWorkspace(slack, matrix);
  const app = await startFrontlineProcess(slack, ROUTING, storage.env, { SWEEP_INTERVAL_MS: '60000' });
  try {
    const appUrl = `http://127.0.0.1:${app.port}/slack/events`;
    const sent = await quickFormsAtRate(new SlackDriver(slack, { kind: 'http', appUrl }), {
      rate: 10, seconds: 10, user: AGENTS.phone, channel: FRONTLINE_CHANNEL, text: (i) => `c${i % CHANNELS} quick Timer ${i}`,
    });
    await new Promise((r) => setTimeout(r, 13_000)); // the last reminder falls due 10 s after the last filing
    const late: number[] = [];
    let missing = 0;
    for (const s of sent.filter((x) => x.key)) {
      const note = slack.messages.find((m) => m.threadTs && m.text.includes(`${s.key} is still unclaimed`));
      if (!note) missing++;
      else late.push(arrivedAt(note.ts) - (s.at + 10_000));
    }
    return { seeded: SEEDED, reminders: late.length, missing, p50: percentile(late, 0.5), p99: percentile(late, 0.99), max: Math.max(...late) };
  } finally {
    await app.stop();
    await slack.stop();
    await storage.drop();
  }
}

/** The sweep's database work when nothing is due: timers, outbox lanes, the alarm's next due time. */
async function sweepCost(size: number) {
  const storage = await scratchStorage(STORAGE, `sweep-bench-${size}`);
  const database = await openDatabase({ url: storage.env.DATABASE_URL, dataDir: storage.env.DATA_DIR });
  try {
    await seedOpenIssues(database.db, size, seededSnapshot, 'C0TIMER0');
    const log = createLogger('silent');
    const ctx: AppContext = {
      db: database.db, matrix, now: () => new Date(), log, kickOutbox: () => {}, owners: ownerDirectory(async () => [], log), channelMembers: async () => [],
    };
    const times: number[] = [];
    for (let i = 0; i < 60; i++) {
      const started = performance.now();
      await fireDueTimers(ctx, { leaseMs: 60_000, graceMs: 60_000 });
      await claimLanes(database.db, new Date(), 16, 60_000);
      await nextDueTimer(database.db, new Date());
      if (i >= 10) times.push(performance.now() - started);
    }
    return { open: size, median: percentile(times, 0.5), p90: percentile(times, 0.9) };
  } finally {
    await database.close();
    await storage.drop();
  }
}

process.stdout.write(`timers on ${STORAGE}: lateness with ${SEEDED.toLocaleString('en')} open issues seeded...\n`);
const late = await lateness();
printTable('Reminder lateness (arrival in Slack minus due time), SWEEP_INTERVAL_MS=60000', [{
  'open issues': late.seeded.toLocaleString('en'), reminders: late.reminders, missing: late.missing, p50: ms(late.p50), p99: ms(late.p99), max: ms(late.max),
}]);
const sweeps: Array<Awaited<ReturnType<typeof sweepCost>>> = [];
for (const size of SWEEP_SIZES) {
  process.stdout.write(`sweep cost with ${size.toLocaleString('en')} open issues and nothing due...\n`);
  sweeps.push(await sweepCost(size));
}
printTable('Sweep cost with nothing due', sweeps.map((s) => ({
  'open issues': s.open.toLocaleString('en'), median: `${s.median.toFixed(2)} ms`, p90: `${s.p90.toFixed(2)} ms`,
  'vs smallest': `${(s.median / sweeps[0]!.median).toFixed(2)}x`,
})));
writeResults(`timers-${STORAGE}`, { lateness: late, sweeps });
