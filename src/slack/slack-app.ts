import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { App, HTTPReceiver, LogLevel } from '@slack/bolt';
import type { WebClientOptions } from '@slack/web-api';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import { slackLogger } from '../logger.js';
import type { BotIdentity } from './bot-identity.js';
import { leanFetch } from './lean-fetch.js';
import { refuseUnroutableBodies } from './request-body-guard.js';
import { platformError } from './slack-errors.js';
import { TIMED_OUT, within } from '../time-limit.js';

export interface SlackAppOptions {
  botToken: string;
  /** Who the token belongs to, checked at start (see bot-identity.ts). */
  identity: BotIdentity;
  signingSecret?: string;
  appToken?: string;
  apiUrl?: string;
  /** SLACK_TIMEOUT_MS: no call to Slack waits longer. */
  timeoutMs: number;
  port: number;
  log: Logger;
  healthy: () => Promise<boolean>;
  /** /readyz is 503 while the app warms up, and from SIGTERM on, before the requests in flight drain. */
  phase: () => Phase;
  /** Served at /metrics here, unless METRICS_PORT serves it apart (then undefined). */
  metrics?: Registry;
}

/** fetch with a deadline, for the calls whose caller gives none (Bolt's respond(), response_url posts). */
export const fetchWithin = (timeoutMs: number): typeof fetch => (input, init) =>
  leanFetch(input, { ...init, signal: init?.signal ?? AbortSignal.timeout(timeoutMs) });

/**
 * Web API client settings shared by Bolt's client and the outbox's. Retries are
 * ours (the outbox waits out Retry-After and backs off), so the client never
 * sleeps inside a listener that has 3 seconds to answer; and no call waits
 * longer than SLACK_TIMEOUT_MS, so one hung request holds up nothing for long.
 */
export function webClientOptions(apiUrl: string | undefined, log: Logger, timeoutMs: number): WebClientOptions {
  return {
    ...(apiUrl ? { slackApiUrl: apiUrl } : {}),
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
    timeout: timeoutMs,
    fetch: fetchWithin(timeoutMs),
    logger: slackLogger(log),
    logLevel: LogLevel.WARN,
  };
}

/** /healthz answers within this, database or not: load balancers time out at about a second. */
const HEALTH_TIMEOUT_MS = 800;

/** Where the app is in its life: only a `serving` app is sent requests. */
export type Phase = 'warming_up' | 'serving' | 'stopping';

/** GET /readyz: 200 while serving and the database answers (within HEALTH_TIMEOUT_MS), 503 otherwise. */
function healthRoute(path: string, healthy: () => Promise<boolean>, phase: () => Phase) {
  return {
    path,
    method: ['GET'],
    handler: async (_req: IncomingMessage, res: ServerResponse) => {
      const current = phase();
      if (current !== 'serving') {
        res.writeHead(503, { 'content-type': 'application/json' });
        return void res.end(JSON.stringify({ ok: false, database: 'not asked', [current]: true }));
      }
      const ok = (await within(healthy().catch(() => false), HEALTH_TIMEOUT_MS)) === true;
      res.writeHead(ok ? 200 : 503, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ ok, database: ok ? 'up' : 'down' }));
    },
  };
}

/**
 * The probes an orchestrator needs. /livez: the process answers (restart it if
 * not). /readyz: send it requests (it has warmed up, is not stopping, and the
 * database answers). /healthz is /readyz under its older name.
 */
function probeRoutes(healthy: () => Promise<boolean>, phase: () => Phase) {
  const live = {
    path: '/livez',
    method: ['GET'],
    handler: (_req: IncomingMessage, res: ServerResponse) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"ok":true}');
    },
  };
  return [live, healthRoute('/readyz', healthy, phase), healthRoute('/healthz', healthy, phase)];
}

/** Prometheus scrapes time out at 10 s by default; the gauges read the database. */
const METRICS_TIMEOUT_MS = 5_000;

/** GET /metrics: Prometheus text format. */
export function metricsRoute(registry: Registry) {
  return {
    path: '/metrics',
    method: ['GET'],
    handler: async (_req: IncomingMessage, res: ServerResponse) => {
      try {
        const body = await within(registry.metrics(), METRICS_TIMEOUT_MS);
        if (body === TIMED_OUT) throw new Error('timed out');
        res.writeHead(200, { 'content-type': registry.contentType });
        res.end(body);
      } catch {
        res.writeHead(503, { 'content-type': 'text/plain' });
        res.end('metrics unavailable: the database does not answer\n');
      }
    },
  };
}

/** Where Slack sends its requests in HTTP mode (the manifest's request URLs). */
export const SLACK_EVENTS_PATH = '/slack/events';

/** Bolt in HTTP mode (requests at /slack/events), or Socket Mode when an app token is given. */
export function createSlackApp(options: SlackAppOptions): App {
  refuseUnroutableBodies();
  const common = {
    token: options.botToken,
    botId: options.identity.botId,
    botUserId: options.identity.botUserId,
    logger: slackLogger(options.log),
    clientOptions: webClientOptions(options.apiUrl, options.log, options.timeoutMs),
    // Bolt's in-memory conversation store is unused here, and it rejected every request's look-up with a new Error.
    convoStore: false as const,
  };
  const customRoutes = [...probeRoutes(options.healthy, options.phase), ...(options.metrics ? [metricsRoute(options.metrics)] : [])];
  if (options.appToken) {
    return new App({
      ...common,
      socketMode: true,
      appToken: options.appToken,
      customRoutes,
      // Bolt's Socket Mode client takes its Web API settings from here, not from clientOptions.
      installerOptions: { port: options.port, clientOptions: common.clientOptions },
    });
  }
  const receiver = new HTTPReceiver({
    signingSecret: options.signingSecret!,
    endpoints: SLACK_EVENTS_PATH,
    customRoutes,
    logger: common.logger,
    processEventErrorHandler: async ({ error, response }) => {
      // A request Bolt could not process before anyone acknowledged it (a malformed
      // payload): say so in our log, and answer 400 rather than 500, with no details.
      options.log.warn({ err: error }, 'a Slack request could not be processed');
      if (response.headersSent) return false;
      response.writeHead(400);
      response.end();
      return false;
    },
  });
  return new App({ ...common, receiver });
}

/**
 * Starts listening (HTTP) or connecting (Socket Mode) and returns the port served.
 * A failed start closes whatever it had opened (the /healthz server, a socket), and
 * a Socket Mode token Slack refuses is named in one line.
 */
export async function startSlackApp(app: App, port: number, socketMode: boolean, host?: string): Promise<number> {
  try {
    // HOST narrows where Slack's port listens (the playground keeps it on 127.0.0.1); unset, every interface.
    const server = (await (host && !socketMode ? app.start({ port, host }) : app.start(port))) as Server | undefined;
    return (server?.address?.() as AddressInfo | null)?.port ?? port;
  } catch (error) {
    await app.stop().catch(() => undefined);
    const refused = platformError(error);
    if (socketMode && refused) {
      throw new Error(`Slack refused SLACK_APP_TOKEN (${refused}): use an app-level token (xapp-…) with connections:write.`);
    }
    throw error;
  }
}
