import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { App, HTTPReceiver, LogLevel } from '@slack/bolt';
import type { WebClientOptions } from '@slack/web-api';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import { slackLogger } from '../logger.js';
import type { BotIdentity } from './bot-identity.js';
import { platformError } from './slack-errors.js';

export interface SlackAppOptions {
  botToken: string;
  /** Who the token belongs to, checked at start (see bot-identity.ts). */
  identity: BotIdentity;
  signingSecret?: string;
  appToken?: string;
  apiUrl?: string;
  port: number;
  log: Logger;
  healthy: () => Promise<boolean>;
  metrics: Registry;
}

/**
 * Web API client settings shared by Bolt's client and the outbox's. Retries are
 * ours (the outbox waits out Retry-After and backs off), so the client never
 * sleeps inside a listener that has 3 seconds to answer.
 */
export function webClientOptions(apiUrl: string | undefined, log: Logger): WebClientOptions {
  return {
    ...(apiUrl ? { slackApiUrl: apiUrl } : {}),
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
    logger: slackLogger(log),
    logLevel: LogLevel.WARN,
  };
}

/** GET /healthz: 200 while the database answers, 503 otherwise. */
function healthRoute(healthy: () => Promise<boolean>) {
  return {
    path: '/healthz',
    method: ['GET'],
    handler: async (_req: IncomingMessage, res: ServerResponse) => {
      const ok = await healthy();
      res.writeHead(ok ? 200 : 503, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ ok, database: ok ? 'up' : 'down' }));
    },
  };
}

/** GET /metrics: Prometheus text format. */
function metricsRoute(registry: Registry) {
  return {
    path: '/metrics',
    method: ['GET'],
    handler: async (_req: IncomingMessage, res: ServerResponse) => {
      try {
        const body = await registry.metrics();
        res.writeHead(200, { 'content-type': registry.contentType });
        res.end(body);
      } catch {
        res.writeHead(503, { 'content-type': 'text/plain' });
        res.end('metrics unavailable: the database does not answer\n');
      }
    },
  };
}

/** Bolt in HTTP mode (requests at /slack/events), or Socket Mode when an app token is given. */
export function createSlackApp(options: SlackAppOptions): App {
  const common = {
    token: options.botToken,
    ...options.identity,
    logger: slackLogger(options.log),
    clientOptions: webClientOptions(options.apiUrl, options.log),
  };
  const customRoutes = [healthRoute(options.healthy), metricsRoute(options.metrics)];
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
    endpoints: '/slack/events',
    customRoutes,
    logger: common.logger,
  });
  return new App({ ...common, receiver });
}

/**
 * Starts listening (HTTP) or connecting (Socket Mode) and returns the port served.
 * A failed start closes whatever it had opened (the /healthz server, a socket), and
 * a Socket Mode token Slack refuses is named in one line.
 */
export async function startSlackApp(app: App, port: number, socketMode: boolean): Promise<number> {
  try {
    const server = (await app.start(port)) as Server | undefined;
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
