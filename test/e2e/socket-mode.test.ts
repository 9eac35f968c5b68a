import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AGENTS, FRONTLINE_CHANNEL } from '../../src/sandbox/workspace.js';
import { startHarness, type Harness } from '../support/harness.js';
import { cardsIn, issueByKey } from '../support/queries.js';

/** With SLACK_APP_TOKEN set, the same flows run over Socket Mode: no public URL, no signing secret. */
let h: Harness;
beforeAll(async () => { h = await startHarness({ socketMode: true }); });
afterAll(async () => { await h?.stop(); });

describe('Socket Mode', () => {
  it('connects with the app token through the configured API URL', () => {
    expect(h.slack.socketConnected).toBe(true);
    expect(h.slack.callsTo('apps.connections.open').map((c) => c.ok)).toEqual([true]);
  });

  it('files, claims and resolves over the socket', async () => {
    const reply = await h.driver.slash(AGENTS.phone, FRONTLINE_CHANNEL, 'delivery hard Parcel delivered to the wrong house');
    expect(reply.body).toMatchObject({ response_type: 'ephemeral', text: expect.stringContaining('ESC-1* is filed') });
    const card = await h.slack.waitFor('card', () => cardsIn(h, 'C0DELIVERY')[0]);

    await h.driver.click('U0DEV', card, 'issue_claim');
    await h.slack.waitFor('claimed', () => card.history.length === 1);
    await h.driver.click('U0DEV', card, 'issue_resolve');
    await h.slack.waitFor('resolve form', () => h.slack.openViewOf('U0DEV'));
    const invalid = await h.driver.submit('U0DEV', { note: '' });
    expect(invalid.body).toEqual({ response_action: 'errors', errors: { note: 'Say what the agent should tell the customer.' } });
    await h.driver.submit('U0DEV', { note: 'Courier collects it tomorrow; a new parcel ships today.' });
    await h.slack.waitFor('agent DM', () => h.slack.dmsTo(AGENTS.phone)[0]);
    expect(await issueByKey(h, 'ESC-1')).toMatchObject({ status: 'resolved', claimerId: 'U0DEV' });
  });
});
