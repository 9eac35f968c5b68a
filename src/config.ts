import { join } from 'node:path';
import { existsSync } from 'node:fs';
import { z } from 'zod';

/**
 * The environment, validated once at start. Nothing else reads process.env.
 * The table in README.md ("Configuration") is a contract: keep them in step.
 */
const schema = z.object({
  SLACK_BOT_TOKEN: z.string().regex(/^xox[bp]-/, { error: 'a bot token starting with xoxb-' }).optional(),
  SLACK_SIGNING_SECRET: z.string().min(1, { error: "the app's signing secret" }).optional(),
  SLACK_APP_TOKEN: z.string().regex(/^xapp-/, { error: 'an app-level token starting with xapp-' }).optional(),
  SLACK_API_URL: z
    .url({ error: 'a URL such as https://slack.com/api/' })
    .transform((url) => (url.endsWith('/') ? url : `${url}/`))
    .optional(),
  PORT: z.coerce.number({ error: 'a port number' }).int().min(0).max(65535).default(3000),
  METRICS_PORT: z.coerce.number({ error: 'a port number' }).int().min(0).max(65535).optional(),
  HOST: z.string().min(1).optional(),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, { error: 'a postgres:// connection URL' })
    .optional(),
  DATA_DIR: z.string().min(1).default('./.data'),
  ROUTING_FILE: z.string().min(1).default('./routing.yml'),
  PID_FILE: z.string().min(1).optional(),
  SWEEP_INTERVAL_MS: z.coerce.number({ error: 'a number of milliseconds' }).int().min(50).default(5000),
  WARM_UP_ROUNDS: z.coerce.number({ error: 'a whole number from 0 to 1000' }).int().min(0).max(1000).default(30),
  SLACK_TIMEOUT_MS: z.coerce.number({ error: 'a number of milliseconds' }).int().min(100).max(60_000).default(10_000),
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error'], { error: 'one of debug, info, warn, error' }).default('info'),
});

export type Env = z.output<typeof schema>;

export interface Config {
  slack: {
    botToken?: string;
    signingSecret?: string;
    appToken?: string;
    apiUrl?: string;
    /** No call to Slack waits longer than this. */
    timeoutMs: number;
  };
  port: number;
  /** Where PORT listens (HTTP mode): an address such as 127.0.0.1; unset, every interface. */
  host?: string;
  /** When set, /metrics is served on this port instead of PORT. */
  metricsPort?: number;
  databaseUrl?: string;
  dataDir: string;
  routingFile: string;
  /** Where `start` writes its pid, for `frontline reload`: PID_FILE, or frontline.pid in DATA_DIR. */
  pidFile: string;
  sweepIntervalMs: number;
  /** Rehearsed filings before start-up says ready (warm-up.ts); 0 skips the warm-up. */
  warmUpRounds: number;
  logLevel: Env['LOG_LEVEL'];
}

export class ConfigError extends Error {}

/** Treats empty variables as unset, as a `.env` line `FOO=` means "no value". */
function present(env: NodeJS.ProcessEnv): Record<string, string> {
  return Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => !!e[1]));
}

export function readConfig(env: NodeJS.ProcessEnv): Config {
  const parsed = schema.safeParse(present(env));
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new ConfigError(`${String(issue.path[0])} is invalid: expected ${issue.message}.`);
  }
  const e = parsed.data;
  return {
    slack: {
      botToken: e.SLACK_BOT_TOKEN,
      signingSecret: e.SLACK_SIGNING_SECRET,
      appToken: e.SLACK_APP_TOKEN,
      apiUrl: e.SLACK_API_URL,
      timeoutMs: e.SLACK_TIMEOUT_MS,
    },
    port: e.PORT,
    host: e.HOST,
    metricsPort: e.METRICS_PORT,
    databaseUrl: e.DATABASE_URL,
    dataDir: e.DATA_DIR,
    routingFile: e.ROUTING_FILE,
    pidFile: e.PID_FILE ?? join(e.DATA_DIR, 'frontline.pid'),
    sweepIntervalMs: e.SWEEP_INTERVAL_MS,
    warmUpRounds: e.WARM_UP_ROUNDS,
    logLevel: e.LOG_LEVEL,
  };
}

/** What `start` needs beyond the defaults: Slack credentials for one of the two modes. */
export function requireSlackCredentials(config: Config): asserts config is Config & {
  slack: { botToken: string };
} {
  const { botToken, signingSecret, appToken } = config.slack;
  if (!botToken) {
    throw new ConfigError(
      'SLACK_BOT_TOKEN is not set: set it and SLACK_SIGNING_SECRET (HTTP mode) or SLACK_APP_TOKEN (Socket Mode), ' +
        'or try `npm run demo` to see Frontline against a local Slack sandbox.',
    );
  }
  if (!signingSecret && !appToken) {
    throw new ConfigError(
      'SLACK_SIGNING_SECRET is not set: HTTP mode needs it to verify requests from Slack ' +
        '(or set SLACK_APP_TOKEN to use Socket Mode instead).',
    );
  }
}

/** Loads `.env` from the working directory, if there is one; real environment variables win. */
export function loadDotEnv(path = '.env'): void {
  if (existsSync(path)) process.loadEnvFile(path);
}
