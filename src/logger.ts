import { pino, type Logger } from 'pino';
import { LogLevel, type Logger as SlackLogger } from '@slack/logger';

/**
 * Structured logs. Anything that looks like a secret is redacted by path, and
 * Slack tokens are masked wherever they appear in a message.
 */
export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      redact: {
        paths: ['token', '*.token', 'authorization', '*.authorization', 'headers.authorization', '*.headers.authorization', 'signingSecret', '*.signingSecret', 'response_url', '*.response_url', 'responseUrl', '*.responseUrl'],
        censor: '[redacted]',
      },
      hooks: {
        logMethod(args, method) {
          method.apply(this, args.map((a) => (typeof a === 'string' ? maskTokens(a) : a)) as Parameters<typeof method>);
        },
      },
    },
    destination,
  );
}

function maskTokens(text: string): string {
  return text.replace(/\b(xox[a-z])-[A-Za-z0-9-]+/g, '$1-[redacted]').replace(/\bxapp-[A-Za-z0-9-]+/g, 'xapp-[redacted]');
}

/** Bolt and the Web API client log through this, so their lines land in the same pino stream. */
export function slackLogger(log: Logger): SlackLogger {
  const child = log.child({ component: 'slack' });
  const join = (msg: unknown[]) => maskTokens(msg.map((m) => (typeof m === 'string' ? m : JSON.stringify(m))).join(' '));
  return {
    debug: (...msg) => child.debug(join(msg)),
    info: (...msg) => child.info(join(msg)),
    warn: (...msg) => child.warn(join(msg)),
    error: (...msg) => child.error(join(msg)),
    setLevel: () => {},
    getLevel: () => (child.level as LogLevel) ?? LogLevel.INFO,
    setName: () => {},
  };
}
