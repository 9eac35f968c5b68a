import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AGENTS, FRONTLINE_CHANNEL } from '../../src/sandbox/workspace.js';
import { startHarness, type Harness } from '../support/harness.js';
import { allIssues } from '../support/queries.js';

let h: Harness;
beforeAll(async () => { h = await startHarness(); });
afterAll(async () => { await h?.stop(); });

const command = 'billing hard Charged twice';

describe('requests from Slack are verified', () => {
  it('rejects a wrong signature with 401 and files nothing', async () => {
    const reply = await h.driver.slash(AGENTS.phone, FRONTLINE_CHANNEL, command, { secret: 'not-the-signing-secret' });
    expect(reply.status).toBe(401);
    expect(await allIssues(h)).toHaveLength(0);
  });

  it('rejects a request signed more than 5 minutes ago (replay) with 401', async () => {
    const reply = await h.driver.slash(AGENTS.phone, FRONTLINE_CHANNEL, command, { timestamp: Math.floor(Date.now() / 1000) - 6 * 60 });
    expect(reply.status).toBe(401);
    expect(await allIssues(h)).toHaveLength(0);
  });

  it('rejects an unsigned request with 401', async () => {
    const reply = await h.driver.post('command=%2Fescalate&text=hi', 'application/x-www-form-urlencoded', { sign: false });
    expect(reply.status).toBe(401);
  });

  it('rejects a body altered after signing', async () => {
    const body = 'command=%2Fescalate&text=billing+hard+x&user_id=U0ALEX&channel_id=C0FRONTLINE&trigger_id=1';
    const headers = h.driver.sign(body);
    const response = await fetch(`http://127.0.0.1:${h.app.port}/slack/events`, {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/x-www-form-urlencoded' },
      body: body.replace('hard', 'easy'),
    });
    expect(response.status).toBe(401);
  });

  it('accepts a correctly signed request', async () => {
    const reply = await h.driver.slash(AGENTS.phone, FRONTLINE_CHANNEL, command);
    expect(reply.status).toBe(200);
    expect(await allIssues(h)).toHaveLength(1);
  });

  it('acknowledges Events API deliveries, retries included', async () => {
    const event = { type: 'app_home_opened', user: AGENTS.phone, channel: 'D0ALEX', tab: 'home', event_ts: '1.0' };
    const first = await h.driver.event(event, { eventId: 'Ev0RETRY' });
    const retry = await h.driver.event(event, { eventId: 'Ev0RETRY', retryNum: 1, retryReason: 'http_timeout' });
    expect([first.status, retry.status]).toEqual([200, 200]);
  });
});
