import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { AGENTS } from '../../src/sandbox/workspace.js';
import { startHarness, type Harness } from '../support/harness.js';
import { killProcessesAfterEach, spawnForTest } from '../support/processes.js';
import { clickWhenShown, fileQuick } from '../support/queries.js';

/**
 * `frontline outbox` lists the messages given up on; `frontline outbox retry`
 * puts them back, and the bot sends them. On PGlite the bot is stopped first
 * (one process per DATA_DIR); on Postgres it could keep running.
 */

const BIN = fileURLToPath(new URL('../../bin/frontline.js', import.meta.url));
let h: Harness | undefined;
killProcessesAfterEach();
afterEach(async () => {
  await h?.stop();
  h = undefined;
});

function frontline(args: string[], env: Record<string, string | undefined>): Promise<{ code: number | null; out: string }> {
  const child = spawnForTest(process.execPath, [BIN, ...args], { env: { PATH: process.env.PATH!, ...env } });
  let out = '';
  child.stdout!.on('data', (c) => (out += c));
  child.stderr!.on('data', (c) => (out += c));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, out })));
}

describe('frontline outbox', () => {
  it('lists a refused resolution DM, and resends it on request', async () => {
    h = await startHarness({ persistent: true });
    const { card, key } = await fileQuick(h, 'billing easy Resend me later', 'C0BILLING');
    await clickWhenShown(h, 'U0ANNA', card, 'issue_claim');
    h.slack.failNext('conversations.open', { error: 'user_disabled', channel: AGENTS.phone });
    await clickWhenShown(h, 'U0ANNA', card, 'issue_resolve');
    await h.slack.waitFor('form', () => h!.slack.openViewOf('U0ANNA'));
    await h.driver.submit('U0ANNA', { note: 'Refunded twice over.' });
    await h.slack.waitFor('reported in the thread', () => h!.slack.messages.some((m) => m.text.includes('could not deliver')));
    await h.app.stop();

    const listed = await frontline(['outbox'], h.storage);
    expect(listed.code).toBe(0);
    expect(listed.out).toMatch(new RegExp(`^\\d+\\s+\\S+Z\\s+agent_resolved\\s+user:${AGENTS.phone}\\s+${key}\\s+user_disabled$`, 'm'));
    const id = /^(\d+)\s+\S+Z\s+agent_resolved/m.exec(listed.out)![1];

    expect(await frontline(['outbox', 'retry', 'abc'], h.storage)).toMatchObject({ code: 1, out: 'frontline: "abc" is not a message id; `frontline outbox` lists them\n' });
    expect(await frontline(['outbox', 'retry', id!], h.storage)).toMatchObject({ code: 0, out: `Queued 1 message to be sent again: ${id}.\n` });
    expect((await frontline(['outbox'], h.storage)).out).toBe('No message has been given up on.\n');

    await h.restart(); // the account works again: the resolution reaches the agent
    const dm = await h.slack.waitFor('resolution DM', () => h!.slack.dmsTo(AGENTS.phone).find((m) => m.text.includes(`*${key}* is resolved`)));
    expect(dm.text).toContain('Refunded twice over.');
  }, 60_000);
});
