import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readConfig } from '../../src/config.js';
import { loadMatrix } from '../../src/domain/routing/load-matrix.js';
import type { Matrix } from '../../src/domain/routing/matrix.js';
import type { Logger } from 'pino';
import { createLogger } from '../../src/logger.js';
import { startFrontline, type Frontline } from '../../src/main.js';
import { SlackDriver } from '../../src/sandbox/driver.js';
import { SlackSandbox } from '../../src/sandbox/slack-server.js';
import { seedWorkspace } from '../../src/sandbox/workspace.js';
import { freshDatabase } from './database.js';

export const EXAMPLE_ROUTING = readFileSync(new URL('../../routing.example.yml', import.meta.url), 'utf8');

export function matrixFrom(text: string): Matrix {
  const result = loadMatrix(text);
  if (!result.ok) throw new Error(result.problems.map((p) => p.message).join('\n'));
  return result.matrix;
}

export interface Harness {
  slack: SlackSandbox;
  driver: SlackDriver;
  app: Frontline;
  matrix: Matrix;
  /** Where the app's data is, for a command run beside it: DATABASE_URL, or a persistent PGlite's DATA_DIR. */
  storage: { DATABASE_URL?: string; DATA_DIR?: string };
  /** Stops the app and starts a new one on the same database, as after a crash or a deploy. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

export interface HarnessOptions {
  routing?: string;
  now?: () => Date;
  groups?: Record<string, string[]>;
  /** Keep PGlite on disk (a temporary DATA_DIR) so that restart() finds the same data. */
  persistent?: boolean;
  /** Run the app in Socket Mode (SLACK_APP_TOKEN) instead of HTTP mode. */
  socketMode?: boolean;
  /** More environment for the app's configuration, e.g. SLACK_TIMEOUT_MS. */
  env?: Record<string, string>;
  /** Where the app logs (a test that reads the logs); silent by default. */
  log?: Logger;
  /** A database the test provides (a throwaway Postgres), instead of a fresh one. */
  databaseUrl?: string;
  /** A PGlite DATA_DIR the test provides (and keeps): PGlite even on a Postgres run. */
  dataDir?: string;
}

/**
 * The real app, on a fresh database (PGlite in memory, or a new Postgres database
 * when TEST_DATABASE_URL is set), talking to a fresh sandbox over HTTP.
 */
export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const slack = await new SlackSandbox().start();
  const matrix = matrixFrom(options.routing ?? EXAMPLE_ROUTING);
  seedWorkspace(slack, matrix, options.groups ?? { S0TRIAGE: ['U0TESS', 'U0TOM'] });
  const provided = options.databaseUrl || options.dataDir;
  const database = provided ? { url: options.databaseUrl, template: undefined, drop: async () => {} } : await freshDatabase();
  const dataDir = options.dataDir ?? (options.persistent ? mkdtempSync(join(tmpdir(), 'frontline-test-')) : undefined);
  const config = readConfig({
    SLACK_BOT_TOKEN: slack.botToken,
    SLACK_SIGNING_SECRET: options.socketMode ? undefined : slack.signingSecret,
    SLACK_APP_TOKEN: options.socketMode ? slack.appToken : undefined,
    SLACK_API_URL: slack.apiUrl,
    PORT: '0',
    DATABASE_URL: database.url,
    SWEEP_INTERVAL_MS: '100',
    DATA_DIR: dataDir,
    ...options.env,
  });
  const start = () =>
    startFrontline({
      config: config as typeof config & { slack: { botToken: string } },
      matrix,
      inMemory: dataDir ? false : database.template ? { template: database.template } : true,
      now: options.now,
      log: options.log ?? createLogger(process.env.TEST_LOG_LEVEL ?? 'silent'),
    });
  const driverFor = (app: Frontline) =>
    new SlackDriver(slack, options.socketMode ? { kind: 'socket' } : { kind: 'http', appUrl: `http://127.0.0.1:${app.port}/slack/events` });
  const app = await start();
  const harness: Harness = {
    storage: { ...(database.url ? { DATABASE_URL: database.url } : {}), ...(dataDir ? { DATA_DIR: dataDir } : {}) },
    slack,
    driver: driverFor(app),
    app,
    matrix,
    restart: async () => {
      await harness.app.stop();
      harness.app = await start();
      harness.driver = driverFor(harness.app);
    },
    stop: async () => {
      await harness.app.stop();
      await slack.stop();
      await database.drop();
      if (dataDir && !options.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return harness;
}
