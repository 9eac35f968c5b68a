import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Logger } from 'pino';
import { readConfig } from '../config.js';
import { loadMatrix } from '../domain/routing/load-matrix.js';
import { createLogger } from '../logger.js';
import { startFrontline, type Frontline } from '../main.js';
import { SlackDriver } from '../sandbox/driver.js';
import { SlackSandbox } from '../sandbox/slack-server.js';
import { seedWorkspace } from '../sandbox/workspace.js';
import { PlaygroundClock } from './clock.js';

export const EXAMPLE_ROUTING_FILE = fileURLToPath(new URL('../../routing.example.yml', import.meta.url));

/** The sandbox's user groups need members: the example's triage group has two. */
export const SANDBOX_GROUPS = { S0TRIAGE: ['U0TESS', 'U0TOM'] };

export interface PlaygroundParts {
  slack: SlackSandbox;
  driver: SlackDriver;
  app: Frontline;
  clock: PlaygroundClock;
  /** The playground's own routing.yml, which the app reads and reloads as it would in production. */
  routingFile: string;
  /** What each person sees beside the workspace: problems with what they just did, the errors of their open form. */
  notices: Map<string, string>;
  modalErrors: Map<string, Record<string, string>>;
  /** Reactions people added, by `channel:ts` (the sandbox passes them to the app and keeps no record). */
  reactions: Map<string, Set<string>>;
  /** The matrix editor: the draft being edited, and the last answers shown beside it. */
  editor: { draft: string; message?: string; explain?: string; replay?: string; question?: { category: string; level: string; origin?: string; text?: string } };
  /** The scripted tour: whether it is playing, and what it is doing now. */
  story: { running: boolean; caption?: string };
  /** Bumped on every change a page should show that the sandbox does not record (the clock, the matrix, a notice). */
  changes: number;
  stop(): Promise<void>;
}

export interface StartOptions {
  /** routing.yml text; routing.example.yml by default. */
  routing?: string;
  /** Where the clock starts; now by default. */
  start?: Date;
  log?: Logger;
}

/**
 * The real app on an in-memory PGlite, against a fresh sandbox Slack seeded with
 * the matrix's people and channels, on the playground's clock. Nothing in it
 * holds a real token: the only Slack it knows is the sandbox.
 */
export async function startParts(options: StartOptions = {}): Promise<PlaygroundParts> {
  const routing = options.routing ?? readFileSync(EXAMPLE_ROUTING_FILE, 'utf8');
  const loaded = loadMatrix(routing);
  if (!loaded.ok) throw new Error(`the playground's routing matrix is invalid: ${loaded.problems.map((p) => `line ${p.line ?? '?'}: ${p.message}`).join('; ')}`);
  const dir = mkdtempSync(join(tmpdir(), 'frontline-playground-'));
  const routingFile = join(dir, 'routing.yml');
  writeFileSync(routingFile, routing);
  const clock = new PlaygroundClock(options.start);
  const slack = await new SlackSandbox().start();
  seedWorkspace(slack, loaded.matrix, SANDBOX_GROUPS);
  const config = readConfig({
    SLACK_BOT_TOKEN: slack.botToken,
    SLACK_SIGNING_SECRET: slack.signingSecret,
    SLACK_API_URL: slack.apiUrl,
    PORT: '0',
    HOST: '127.0.0.1', // the app's own port, like the page's, is for this machine only
    ROUTING_FILE: routingFile,
    SWEEP_INTERVAL_MS: '1000',
    WARM_UP_ROUNDS: '0', // one person clicking, never a burst: start at once
  });
  let app: Frontline;
  try {
    app = await startFrontline({
      config: config as typeof config & { slack: { botToken: string } },
      inMemory: true,
      now: clock.now,
      log: options.log ?? createLogger('error', process.stderr as never),
    });
  } catch (error) {
    await slack.stop();
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  const driver = new SlackDriver(slack, { kind: 'http', appUrl: `http://127.0.0.1:${app.port}/slack/events` });
  return {
    slack, driver, app, clock, routingFile, notices: new Map(), modalErrors: new Map(), reactions: new Map(), changes: 0,
    editor: { draft: routing }, story: { running: false },
    stop: async () => {
      await app.stop();
      await slack.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
