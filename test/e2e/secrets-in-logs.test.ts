import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logger.js';
import { AGENTS, FRONTLINE_CHANNEL } from '../../src/sandbox/workspace.js';
import { startHarness, type Harness } from '../support/harness.js';
import { clickWhenShown, fileQuick } from '../support/queries.js';

/**
 * Whatever LOG_LEVEL is, the logs hold no token, no signing secret and no
 * response URL (each lets its holder act as the bot). The flow below makes the
 * app and the Slack libraries log as much as they can: filings answered through
 * response URLs, forms, a server error, a rate limit and a refused DM.
 */

let h: Harness | undefined;
afterEach(async () => {
  await h?.stop();
  h = undefined;
});

async function logsOfAFlow(level: string): Promise<string> {
  const lines: string[] = [];
  h = await startHarness({ log: createLogger(level, { write: (line: string) => lines.push(line) }), env: { SLACK_TIMEOUT_MS: '2000' } });
  h.slack.failNext('chat.postMessage', { status: 500, channel: 'C0BILLING' });
  h.slack.failNext('chat.postMessage', { status: 429, retryAfter: 1, channel: 'C0DELIVERY' });
  const { card } = await fileQuick(h, 'billing easy Secrets stay secret', 'C0BILLING');
  await fileQuick(h, 'delivery easy Rate limited card', 'C0DELIVERY');
  await h.driver.slash(AGENTS.phone, FRONTLINE_CHANNEL, 'show ESC-1');
  await clickWhenShown(h, 'U0ANNA', card, 'issue_claim');
  h.slack.failNext('conversations.open', { error: 'user_disabled', channel: AGENTS.phone });
  await clickWhenShown(h, 'U0ANNA', card, 'issue_resolve');
  await h.slack.waitFor('form', () => h!.slack.openViewOf('U0ANNA'));
  await h.driver.submit('U0ANNA', { note: 'Done.' });
  await h.slack.waitFor('the refused DM reported', () => h!.slack.messages.some((m) => m.text.includes('could not deliver')));
  await h.app.flush();
  return lines.join('');
}

describe('secrets in the logs', () => {
  it.each(['debug', 'info', 'warn', 'error'])('none at LOG_LEVEL=%s', async (level) => {
    const logs = await logsOfAFlow(level);
    const { botToken, signingSecret, appToken } = h!.slack;
    for (const secret of [botToken, signingSecret, appToken]) expect(logs).not.toContain(secret);
    expect(logs).not.toMatch(/xox[bpa]-[A-Za-z0-9]/);
    expect(logs).not.toContain('/respond/');
    if (level === 'debug' || level === 'info' || level === 'warn') expect(logs).toContain('"msg":"slack message given up on and reported"');
    if (level === 'debug') expect(logs).toContain('slack message sent');
  });
});
