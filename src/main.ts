import { WebClient } from '@slack/web-api';
import type { Logger } from 'pino';
import type { AppContext } from './app/context.js';
import { cachedMembers, ownerDirectory } from './app/owner-directory.js';
import { slackPresence } from './slack/people-presence.js';
import type { Config } from './config.js';
import { openDatabase, type Database } from './db/client.js';
import { forgetOldRequests } from './db/request-store.js';
import { markForgottenLanes } from './db/outbox-store.js';
import type { Matrix } from './domain/routing/matrix.js';
import { OutboxWorker } from './jobs/outbox-worker.js';
import { fireDueTimers } from './app/fire-timers.js';
import { digestSender } from './app/send-digests.js';
import { retentionTask } from './app/apply-retention.js';
import { startSweeper } from './jobs/sweeper.js';
import { TimerAlarm } from './jobs/timer-alarm.js';
import { nextDueTimer } from './db/timer-store.js';
import { createLogger } from './logger.js';
import { createMetrics, type Metrics } from './metrics.js';
import { readRunnableRoutingFile } from './routing-file.js';
import { VERSION } from './version.js';
import { reloadMatrix, type ReloadOutcome } from './routing-reload.js';
import { InFlight } from './slack/listeners/listener-kit.js';
import { registerListeners } from './slack/listeners/index.js';
import { outboxSender } from './slack/outbox-sender.js';
import { botIdentity, type BotIdentity } from './slack/bot-identity.js';
import { createSlackApp, fetchWithin, metricsRoute, startSlackApp, webClientOptions, type Phase } from './slack/slack-app.js';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { TIMED_OUT, within } from './time-limit.js';
import { selfAddress, warmUp } from './warm-up.js';

const HOUR_MS = 60 * 60 * 1000;
/** SIGTERM must end the process within 10 s (orchestrators kill it after their grace period). */
const SHUTDOWN_MS = 8_000;

export interface FrontlineOptions {
  config: Config & { slack: { botToken: string } };
  log?: Logger;
  /** The clock; tests pass their own. */
  now?: () => Date;
  /** Overrides ROUTING_FILE (tests and the demo). */
  matrix?: Matrix;
  /** Keep PGlite in memory instead of DATA_DIR (tests), optionally starting from a dump of a migrated database. */
  inMemory?: boolean | { template: Blob };
}

export interface Frontline {
  port: number;
  /** With METRICS_PORT: where /metrics is served, apart from Slack's port. */
  metricsPort?: number;
  ctx: AppContext;
  database: Database;
  /** Sends whatever the outbox holds now and waits for it (tests, shutdown). */
  flush(): Promise<void>;
  /** One sweep now: fire due timers and digests, then send what they queued and wait for it (tests). */
  sweep(): Promise<void>;
  /** Reads ROUTING_FILE again; a file that fails `check` is refused and the running matrix stays (SIGHUP). */
  reload(): ReloadOutcome;
  stop(): Promise<void>;
}

/** The composition root: config -> routing matrix -> Slack identity -> database -> Slack app -> background jobs. */
export async function startFrontline(options: FrontlineOptions): Promise<Frontline> {
  const { config } = options;
  const log = options.log ?? createLogger(config.logLevel);
  const matrix = options.matrix ?? readRunnableRoutingFile(config.routingFile);
  const client = new WebClient(config.slack.botToken, webClientOptions(config.slack.apiUrl, log, config.slack.timeoutMs));
  const identity = await botIdentity(client, config.slack.apiUrl, config.slack.timeoutMs);
  const database = await openDatabase({
    url: config.databaseUrl,
    dataDir: options.inMemory ? undefined : config.dataDir,
    template: typeof options.inMemory === 'object' ? options.inMemory.template : undefined,
    onLockLost: (error) => log.error({ err: error }, 'another process took over DATA_DIR; /healthz now fails'),
    onWait: (message) => log.warn(message),
  });
  try {
    return await serve(options, { log, matrix, client, identity, database });
  } catch (error) {
    await database.close();
    throw error;
  }
}

interface Parts {
  log: Logger;
  matrix: Matrix;
  client: WebClient;
  identity: BotIdentity;
  database: Database;
}

async function serve(options: FrontlineOptions, { log, matrix, client, identity, database }: Parts): Promise<Frontline> {
  const { config } = options;
  let worker: OutboxWorker | undefined;
  let alarm: TimerAlarm | undefined;
  const ctx: AppContext = {
    db: database.db,
    matrix,
    now: options.now ?? (() => new Date()),
    log,
    ...slackDirectories(client, log, () => ctx.now()),
    kickOutbox: () => worker?.kick(),
    wakeTimersAt: (at) => alarm?.wakeBy(at),
    // Bound late: the metrics read the context's clock.
    observe: (issue, events) => metrics.observe(issue, events),
    countError: (loop) => metrics.countError(loop),
    countDeflection: (category) => metrics.countDeflection(category),
    people: slackPresence(client, log),
  };
  const metrics = createMetrics(database.db, ctx.now);
  // How long a claimed timer or message stays with the instance that took it before others may take it over.
  const leaseMs = Math.min(60_000, Math.max(5_000, 12 * config.sweepIntervalMs));
  worker = new OutboxWorker(ctx, outboxSender(ctx, client, fetchWithin(config.slack.timeoutMs), identity.workspaceUrl), {
    // A send makes up to three calls to Slack, each within SLACK_TIMEOUT_MS.
    onResult: metrics.countSend, leaseMs, sendTimeoutMs: 3 * config.slack.timeoutMs,
  });

  let phase: Phase = 'warming_up';
  const app = createSlackApp({
    ...config.slack, identity, port: config.port, log, healthy: database.ping, phase: () => phase,
    metrics: config.metricsPort === undefined ? metrics.registry : undefined,
  });
  const metricsServer = config.metricsPort === undefined ? undefined : await serveMetrics(metrics.registry, config.metricsPort);
  app.error(async (error) => {
    log.error({ err: error }, 'unhandled error in a Slack listener');
  });
  const inflight = new InFlight();
  app.use(inflight.middleware());
  registerListeners({ app, ctx });

  const socketMode = config.slack.appToken !== undefined;
  const warmUpRounds = { rounds: config.warmUpRounds, connections: database.connections };
  // Over Socket Mode, Slack sends events as soon as the socket connects, whatever /readyz says: warm up before.
  if (socketMode) await warmUp(ctx, warmUpRounds);
  const port = await startSlackApp(app, config.port, socketMode, config.host);
  if (!socketMode) await warmUp(ctx, { ...warmUpRounds, http: askingItself(config, port) });
  const flush = async () => {
    worker!.kick();
    await worker!.idle();
  };
  const clock = { leaseMs, graceMs: Math.max(60_000, 3 * config.sweepIntervalMs) };
  alarm = new TimerAlarm(() => fireDueTimers(ctx, clock), () => nextDueTimer(ctx.db, ctx.now()), ctx.now, log, () => metrics.countError('timer_alarm'));
  const sweepOnce = sweepTask(ctx, metrics, clock, alarm);
  const sweeper = startSweeper(config.sweepIntervalMs, log, [sweepOnce], () => metrics.countError('sweeper'));
  worker.kick(); // whatever an earlier run left unsent
  await alarm.rearm().catch((error: unknown) => log.warn({ err: error }, 'could not arm the timer alarm; the sweep will fire timers'));
  phase = 'serving';
  log.info({ port, version: VERSION, database: database.kind, mode: socketMode ? 'socket' : 'http' }, 'frontline started');

  let stopping: Promise<void> | undefined;
  return {
    port,
    metricsPort: metricsServer ? (metricsServer.address() as AddressInfo).port : undefined,
    ctx,
    database,
    flush,
    sweep: async () => {
      // After the interval's round under way, if any: what it claimed is fired before the flush looks.
      await sweeper.runNow();
      await flush();
    },
    reload: () => reloadMatrix(ctx, config.routingFile),
    stop: () => (stopping ??= shutDown(log, [
      ['stop being ready', async () => { phase = 'stopping'; }],
      ['stop taking requests', () => app.stop()],
      ['finish the requests in flight', () => inflight.drain()],
      ['stop the sweeper', () => { alarm!.stop(); return sweeper.stop(); }],
      ['finish the Slack messages being sent', () => { worker!.stop(); return worker!.idle(); }],
      ['close the database', () => database.close()],
      ['stop serving metrics', () => closeServer(metricsServer)],
    ])),
  };
}

/** HTTP mode: the warm-up's signed requests to the app's own port. */
function askingItself(config: Config, port: number): { url: string; signingSecret: string } | undefined {
  const url = selfAddress(config.host, port);
  return url && config.slack.signingSecret ? { url, signingSecret: config.slack.signingSecret } : undefined;
}

/** METRICS_PORT: /metrics on a port of its own, so that Slack's port need not be reachable by Prometheus, nor the reverse. */
async function serveMetrics(registry: Metrics['registry'], port: number): Promise<Server> {
  const route = metricsRoute(registry);
  const server = createServer((req, res) => {
    if (req.method === 'GET' && req.url?.split('?')[0] === route.path) return void route.handler(req, res);
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(port, () => resolve()));
  return server;
}

const closeServer = (server: Server | undefined) => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));

/**
 * Runs the steps of a shutdown in order, each within its share of the time
 * left, so that SIGTERM ends the process in time whatever is in flight (a hung
 * Slack call, a database that stopped answering). A step that runs out of time
 * is logged and left behind: its work is still queued, and the next start, or
 * another instance once the leases run out, finishes it.
 */
async function shutDown(log: Logger, steps: Array<[string, () => Promise<unknown>]>, totalMs = SHUTDOWN_MS): Promise<void> {
  const deadline = Date.now() + totalMs;
  for (const [what, step] of steps) {
    const outcome = await within(step().then(() => 'done' as const, (error: unknown) => error), Math.max(100, deadline - Date.now()));
    if (outcome === TIMED_OUT) log.warn({ step: what }, 'shutdown step ran out of time; leaving it behind');
    else if (outcome !== 'done') log.warn({ err: outcome, step: what }, 'shutdown step failed');
  }
  log.info('frontline stopped');
}

/** Who owns a team and who is in a channel, as Slack lists them, cached so busy channels stay within rate limits. */
function slackDirectories(client: WebClient, log: Logger, now: () => Date): Pick<AppContext, 'owners' | 'channelMembers'> {
  const channelMembers = cachedMembers(async (channel) => {
    const members: string[] = [];
    for await (const page of client.paginate('conversations.members', { channel, limit: 1000 })) {
      members.push(...((page as { members?: string[] }).members ?? []));
    }
    return members;
  }, log);
  return {
    owners: ownerDirectory(async (usergroup) => (await client.usergroups.users.list({ usergroup })).users ?? [], log),
    channelMembers: (channel) => channelMembers(channel, now()),
  };
}

/**
 * One sweep: fire due timers, claim due digest slots, and now and then forget
 * old request keys. It queues messages and kicks the outbox, and never waits for
 * them to be delivered: a slow Slack must not hold up the clock.
 */
function sweepTask(ctx: AppContext, metrics: Metrics, clock: { leaseMs: number; graceMs: number }, alarm: TimerAlarm) {
  const sendDueDigests = digestSender(ctx, clock.graceMs);
  const applyRetention = retentionTask(ctx);
  let prunedAt = 0;
  return async () => {
    const done = metrics.timeSweep();
    try {
      // Lanes whose mark after commit was lost with a process that died at that moment.
      const forgotten = await markForgottenLanes(ctx.db, ctx.now());
      if (forgotten.length) ctx.log.warn({ lanes: forgotten }, 'outbox lanes held messages but were not marked due; marked now');
      await fireDueTimers(ctx, clock);
      await sendDueDigests();
      ctx.kickOutbox();
      // Timers other instances planned since the last sweep: wake for them too.
      await alarm.rearm();
      await applyRetention();
      if (ctx.now().getTime() - prunedAt > HOUR_MS) {
        prunedAt = ctx.now().getTime();
        await forgetOldRequests(ctx.db, new Date(prunedAt - 24 * HOUR_MS));
      }
    } finally {
      done();
    }
  };
}
