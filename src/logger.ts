import { pino, type Logger } from 'pino';
import { LogLevel, type Logger as SlackLogger } from '@slack/logger';

/**
 * Structured logs. Anything that looks like a secret is redacted by path, and
 * Slack tokens and response URLs (each one lets its holder answer as the bot)
 * are masked wherever they appear in a message.
 */
export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      // Level names and ISO times: readable in a terminal and by any log shipper, with no pino-specific decoding.
      formatters: { level: (label) => ({ level: label }) },
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: {
        paths: [
          'token', '*.token', 'authorization', '*.authorization', 'headers.authorization', '*.headers.authorization',
          'headers.Authorization', '*.headers.Authorization', 'signingSecret', '*.signingSecret', 'appToken', '*.appToken',
          'response_url', '*.response_url', 'responseUrl', '*.responseUrl', 'response_urls', '*.response_urls',
        ],
        censor: '[redacted]',
      },
      hooks: {
        logMethod(args, method) {
          method.apply(this, args.map((a) => (typeof a === 'string' ? maskSecrets(a) : a)) as Parameters<typeof method>);
        },
      },
    },
    destination,
  );
}

/** Slack tokens, and response URLs (Slack's hooks.slack.com/actions and /commands, and the sandbox's /respond/). */
export function maskSecrets(text: string): string {
  return text
    .replace(/\b(xox[a-z])-[A-Za-z0-9-]+/g, '$1-[redacted]')
    .replace(/\bxapp-[A-Za-z0-9-]+/g, 'xapp-[redacted]')
    .replace(/https?:\/\/[^\s"'<>]*(?:hooks\.slack\.com|\/respond\/)[^\s"'<>]*/g, '[response_url redacted]');
}

const RANK: Record<LogLevel, number> = { [LogLevel.DEBUG]: 0, [LogLevel.INFO]: 1, [LogLevel.WARN]: 2, [LogLevel.ERROR]: 3 };

/**
 * Bolt and the Web API client log through this, so their lines land in the same
 * pino stream. Their debug and info lines carry whole request bodies (customer
 * text, response URLs), so only their warnings and errors are kept, whatever
 * LOG_LEVEL is; everything kept is masked.
 */
export function slackLogger(log: Logger, level: LogLevel = LogLevel.WARN): SlackLogger {
  const child = log.child({ component: 'slack' });
  const join = (msg: unknown[]) => maskSecrets(msg.map((m) => (typeof m === 'string' ? m : JSON.stringify(m))).join(' '));
  const at = (wanted: LogLevel, write: (text: string) => void) => (...msg: unknown[]) => {
    if (RANK[wanted] >= RANK[level]) write(join(msg));
  };
  return {
    debug: at(LogLevel.DEBUG, (text) => child.debug(text)),
    info: at(LogLevel.INFO, (text) => child.info(text)),
    warn: at(LogLevel.WARN, (text) => child.warn(text)),
    error: at(LogLevel.ERROR, (text) => child.error(text)),
    // The libraries try to set their own level; ours stands.
    setLevel: () => {},
    getLevel: () => level,
    setName: () => {},
  };
}
