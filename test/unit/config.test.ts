import { describe, expect, it } from 'vitest';
import { ConfigError, readConfig, requireSlackCredentials } from '../../src/config.js';

describe('configuration', () => {
  it('has the documented defaults', () => {
    expect(readConfig({})).toEqual({
      slack: { botToken: undefined, signingSecret: undefined, appToken: undefined, apiUrl: undefined, timeoutMs: 10_000 },
      port: 3000, databaseUrl: undefined, dataDir: './.data', routingFile: './routing.yml', pidFile: '.data/frontline.pid', sweepIntervalMs: 5000, warmUpRounds: 30, logLevel: 'info',
    });
  });

  it('normalises the API URL and reads numbers', () => {
    const config = readConfig({ SLACK_API_URL: 'http://127.0.0.1:9999/api', PORT: '8080', SWEEP_INTERVAL_MS: '250' });
    expect(config.slack.apiUrl).toBe('http://127.0.0.1:9999/api/');
    expect(config.port).toBe(8080);
    expect(config.sweepIntervalMs).toBe(250);
  });

  it.each([
    [{ PORT: 'eighty' }, /^PORT is invalid: expected a port number\.$/],
    [{ LOG_LEVEL: 'verbose' }, /^LOG_LEVEL is invalid: expected one of debug, info, warn, error\.$/],
    [{ SLACK_TIMEOUT_MS: 'soon' }, /^SLACK_TIMEOUT_MS is invalid: expected a number of milliseconds\.$/],
    [{ DATABASE_URL: 'mysql://x' }, /^DATABASE_URL is invalid: expected a postgres:\/\/ connection URL\.$/],
    [{ SLACK_BOT_TOKEN: 'abc' }, /^SLACK_BOT_TOKEN is invalid: expected a bot token starting with xoxb-\.$/],
    [{ SWEEP_INTERVAL_MS: '5' }, /^SWEEP_INTERVAL_MS is invalid/],
    [{ WARM_UP_ROUNDS: '-1' }, /^WARM_UP_ROUNDS is invalid: expected a whole number from 0 to 1000\.$/],
  ])('rejects %j in one line naming the variable', (env, message) => {
    expect(() => readConfig(env)).toThrow(ConfigError);
    expect(() => readConfig(env)).toThrow(message);
  });

  it('treats empty variables as unset', () => {
    expect(readConfig({ PORT: '', DATABASE_URL: '' }).port).toBe(3000);
  });

  it('says what to set when Slack credentials are missing, and points to the demo', () => {
    expect(() => requireSlackCredentials(readConfig({}))).toThrow(/SLACK_BOT_TOKEN is not set.*SLACK_SIGNING_SECRET.*SLACK_APP_TOKEN.*npm run demo/);
    expect(() => requireSlackCredentials(readConfig({ SLACK_BOT_TOKEN: 'xoxb-1' }))).toThrow(/SLACK_SIGNING_SECRET is not set/);
    expect(() => requireSlackCredentials(readConfig({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_APP_TOKEN: 'xapp-1' }))).not.toThrow();
  });
});
