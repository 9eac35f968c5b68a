/**
 * Acknowledgement and card latency, and peak memory, under a burst of
 * escalations: signed `/escalate` quick forms at a steady 100 a second, all
 * routed to one channel, against a sandbox Slack with no rate limit. Measured
 * for Frontline on Postgres and on PGlite, beside a bare Bolt app that only
 * acks (the floor), each in its own process.
 *
 * Each process takes two bursts: the first as soon as it has started (as after
 * a deploy in the middle of an outage: its code not yet optimised, its database
 * connections and prepared statements still to make), and a second once the
 * first one's cards are posted and it has idled for 3 s (a process that has
 * served before, as it mostly is). Both are reported; neither hides the other.
 *
 *   npx tsx bench/load-benchmark.ts                  # 10 s per burst
 *   BENCH_SECONDS=25 npx tsx bench/load-benchmark.ts # as measured in the issue
 *   BENCH_TARGETS=pglite BENCH_RATE=50 ...           # one target, another rate
 *   BENCH_WARM_UP_ROUNDS=0 ...                       # the bot without its start-up warm-up
 *
 * Postgres: BENCH_DATABASE_URL (default the local server); a scratch database is created and dropped.
 * Targets: ack p99 <= 50 ms on Postgres and <= 100 ms on PGlite, never over 1 s; card p99 <= 500 ms;
 * peak memory under load <= 200 MB on Postgres and <= 250 MB on PGlite (sampled resident memory; start-up
 * apart, shown on its own: a new PGlite DATA_DIR is initialised in a child process that is gone by then).
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { loadMatrix } from '../src/domain/routing/load-matrix.js';
import { SlackDriver } from '../src/sandbox/driver.js';
import { SlackSandbox } from '../src/sandbox/slack-server.js';
import { AGENTS, FRONTLINE_CHANNEL, seedWorkspace } from '../src/sandbox/workspace.js';
import { scratchStorage, startFrontlineProcess, startProcess, type AppProcess } from './support/app-process.js';
import { arrivedAt, quickFormsAtRate, type Sent } from './support/load.js';
import { cpuMs, ms, peakMemoryMb, percentile, printTable, sampleMemory, writeResults } from './support/report.js';

const RATE = Number(process.env.BENCH_RATE ?? 100);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const TARGETS = (process.env.BENCH_TARGETS ?? 'bare,postgres,pglite').split(',');
/** The bot's WARM_UP_ROUNDS, to compare start-ups (BENCH_WARM_UP_ROUNDS=0 against the default 30); unset keeps the bot's default. */
const WARM_UP_ROUNDS = process.env.BENCH_WARM_UP_ROUNDS;
const ROUTING = readFileSync(new URL('../routing.example.yml', import.meta.url), 'utf8');

/** The first burst meets a process just started (cold code, new connections); the second, the same process warm. */
const PHASES = ['cold', 'warm'] as const;
type Phase = (typeof PHASES)[number];
/** Between the bursts: the first one's cards are all posted, then the process idles this long, as between outages. */
const PAUSE_MS = 3_000;

interface Figures {
  target: string;
  phase: Phase;
  requests: number;
  ack: { p50: number; p99: number; max: number; over1s: number; over3s: number };
  /** Ack p99 of each second of the burst, by when the request was sent: shows whether a slow tail is the start's. */
  ackP99BySecond: number[];
  card?: { p50: number; p99: number; max: number; lost: number; duplicated: number };
  /** The highest resident memory during the burst and the delivery of its cards. */
  peakMemoryMb: number;
  /** VmHWM once started: a new PGlite DATA_DIR's initialisation shows here. */
  startupPeakMb: number;
  /** The bot's CPU time per request, from the burst's first request until its last card (or ack) arrived. */
  cpuMsPerRequest: number;
}

async function measure(target: string): Promise<Figures[]> {
  const loaded = loadMatrix(ROUTING);
  if (!loaded.ok) throw new Error('routing.example.yml is invalid');
  const slack = await new SlackSandbox(null).start();
  seedWorkspace(slack, loaded.matrix, { S0TRIAGE: ['U0TESS', 'U0TOM'] });
  const storage = target === 'bare' ? undefined : await scratchStorage(target as 'postgres' | 'pglite', 'load-bench');
  let app: AppProcess | undefined;
  try {
    app = target === 'bare'
      ? await startProcess([fileURLToPath(new URL('./support/bare-bolt.mjs', import.meta.url))],
        { SLACK_BOT_TOKEN: slack.botToken, SLACK_SIGNING_SECRET: slack.signingSecret, SLACK_API_URL: slack.apiUrl }, 'bare bolt')
      : await startFrontlineProcess(slack, ROUTING, storage!.env, WARM_UP_ROUNDS ? { WARM_UP_ROUNDS } : {});
    const started = app;
    const startupPeakMb = peakMemoryMb(app.pid);
    const driver = new SlackDriver(slack, { kind: 'http', appUrl: `http://127.0.0.1:${app.port}/slack/events` });
    /** Each issue's top-level messages in the channel, by the key their text starts with: the first is its card. */
    const postedByKey = () => {
      const byKey = new Map<string, string[]>();
      for (const m of slack.messagesIn('C0BILLING')) {
        if (m.threadTs) continue;
        const key = m.text.slice(0, m.text.indexOf(' '));
        byKey.set(key, [...(byKey.get(key) ?? []), m.ts]);
      }
      return byKey;
    };
    const cardsOf = async (sent: Sent[]): Promise<NonNullable<Figures['card']>> => {
      const filed = sent.filter((s) => s.key);
      const deadline = Date.now() + 300_000;
      let posted = postedByKey();
      while (Date.now() < deadline && filed.some((s) => !posted.has(s.key!))) {
        await new Promise((r) => setTimeout(r, 200));
        posted = postedByKey();
      }
      const latencies = filed.filter((s) => posted.has(s.key!)).map((s) => arrivedAt(posted.get(s.key!)![0]!) - s.at);
      return {
        p50: percentile(latencies, 0.5), p99: percentile(latencies, 0.99), max: Math.max(...latencies),
        lost: filed.length - latencies.length, duplicated: filed.filter((s) => (posted.get(s.key!)?.length ?? 0) > 1).length,
      };
    };
    const burst = async (phase: Phase): Promise<Figures> => {
      const memory = sampleMemory(started.pid);
      const cpuAtStart = cpuMs(started.pid);
      const sent = await quickFormsAtRate(driver, {
        rate: RATE, seconds: SECONDS, user: AGENTS.phone, channel: FRONTLINE_CHANNEL, text: (i) => `billing easy Burst ${phase} report ${i}`,
      });
      const acks = sent.map((s) => s.ackMs);
      const figures: Figures = {
        target, phase, requests: sent.length, peakMemoryMb: 0, cpuMsPerRequest: 0, startupPeakMb, ackP99BySecond: p99BySecond(sent),
        ack: { p50: percentile(acks, 0.5), p99: percentile(acks, 0.99), max: Math.max(...acks), over1s: acks.filter((a) => a > 1000).length, over3s: acks.filter((a) => a > 3000).length },
      };
      if (target !== 'bare') figures.card = await cardsOf(sent);
      figures.cpuMsPerRequest = Math.round((10 * (cpuMs(started.pid) - cpuAtStart)) / sent.length) / 10;
      figures.peakMemoryMb = memory.stop();
      return figures;
    };
    const figures: Figures[] = [];
    for (const phase of PHASES) {
      if (figures.length) await new Promise((r) => setTimeout(r, PAUSE_MS));
      process.stdout.write(`  ${phase}: ${RATE} quick forms a second for ${SECONDS} s...\n`);
      figures.push(await burst(phase));
    }
    return figures;
  } finally {
    await app?.stop();
    await slack.stop();
    await storage?.drop();
  }
}

function p99BySecond(sent: Sent[]): number[] {
  const first = Math.min(...sent.map((s) => s.at));
  const seconds: number[][] = [];
  for (const s of sent) (seconds[Math.floor((s.at - first) / 1000)] ??= []).push(s.ackMs);
  // Array.from visits a second with no request too (map would skip it): it shows as "—".
  return Array.from(seconds, (acks) => percentile(acks ?? [], 0.99));
}

const results: Figures[] = [];
for (const target of TARGETS) {
  process.stdout.write(`measuring ${target}\n`);
  results.push(...(await measure(target)));
}
const bareP99 = new Map(results.filter((r) => r.target === 'bare').map((r) => [r.phase, r.ack.p99]));
printTable(`Escalation burst: ${RATE}/s for ${SECONDS} s, one channel, no Slack rate limit`, results.map((r) => ({
  target: r.target,
  burst: r.phase === 'cold' ? 'first after start' : 'warm',
  'ack p50': ms(r.ack.p50),
  'ack p99': ms(r.ack.p99),
  'ack max': ms(r.ack.max),
  'acks > 1 s': r.ack.over1s,
  'p99 / bare': r.target !== 'bare' && bareP99.has(r.phase) ? `${(r.ack.p99 / bareP99.get(r.phase)!).toFixed(1)}x` : '',
  'card p50': r.card ? ms(r.card.p50) : '',
  'card p99': r.card ? ms(r.card.p99) : '',
  'lost / dup': r.card ? `${r.card.lost} / ${r.card.duplicated}` : '',
  'CPU per request': `${r.cpuMsPerRequest} ms`,
  'peak memory under load': `${r.peakMemoryMb} MB`,
  'at start-up': `${r.startupPeakMb} MB`,
})));
process.stdout.write('\nack p99 by second of the burst:\n');
for (const r of results) process.stdout.write(`  ${r.target} ${r.phase}: ${r.ackP99BySecond.map((p99) => ms(p99)).join(', ')}\n`);
writeResults('load', { rate: RATE, seconds: SECONDS, results });
