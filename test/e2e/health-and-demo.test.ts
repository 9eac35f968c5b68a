import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runDemo } from '../../src/demo.js';
import { AGENTS, FRONTLINE_CHANNEL } from '../../src/sandbox/workspace.js';
import { startHarness, type Harness } from '../support/harness.js';

describe('GET /healthz', () => {
  let h: Harness;
  beforeAll(async () => { h = await startHarness(); });
  afterAll(async () => { await h?.stop(); });

  it('serves Prometheus metrics: issues by status, timers due, outbox depth, sends by result, sweep time', async () => {
    h.slack.failNext('chat.postMessage', { status: 500, channel: 'C0BILLING' });
    await h.driver.slash(AGENTS.phone, FRONTLINE_CHANNEL, 'billing easy Metrics please');
    await h.slack.waitFor('card', () => h.slack.messagesIn('C0BILLING')[0], 8000);
    const metrics = () => fetch(`http://127.0.0.1:${h.app.port}/metrics`);
    // Home tabs are refreshed a moment after a change (HOME_REFRESH_DELAY_MS): the outbox empties once they are sent.
    const text = await h.slack.waitFor('the outbox to empty', async () => {
      await h.app.sweep();
      await h.app.flush();
      const body = await (await metrics()).text();
      return body.includes('frontline_outbox_pending 0') && body;
    }, 10_000);
    const response = await metrics();
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/plain');
    expect(text).toContain('frontline_issues{status="unclaimed"} 1');
    expect(text).toContain('frontline_issues{status="resolved"} 0');
    expect(text).toContain('frontline_timers_due 0');
    expect(text).toContain('frontline_outbox_pending 0');
    expect(text).toContain('frontline_slack_sends_total{kind="post_card",result="retried"} 1');
    expect(text).toContain('frontline_slack_sends_total{kind="post_card",result="sent"} 1');
    expect(text).toMatch(/frontline_sweep_duration_seconds_count \d+/);
  });

  it('is 200 while the database answers and 503 once it does not', async () => {
    const url = `http://127.0.0.1:${h.app.port}/healthz`;
    const up = await fetch(url);
    expect(up.status).toBe(200);
    expect(await up.json()).toEqual({ ok: true, database: 'up' });
    await h.app.database.close();
    const down = await fetch(url);
    expect(down.status).toBe(503);
    expect(await down.json()).toEqual({ ok: false, database: 'down' });
  });
});

describe('npm run demo', () => {
  it('plays the whole story on a fixed clock: a nudge, a missed target, a tier DM, a reroute, a resolution, a digest, then next steps', async () => {
    let output = '';
    await runDemo((text) => { output += text; });
    const order = [
      'on a clock starting Mon 23 Nov 10:00 (Europe/London)',
      'alex: /escalate billing hard Customer charged twice for order 1182 via:phone',
      '▌ ESC-1 · Billing & payments',
      'Knowledge base: Billing & payments (https://kb.lumen.example/billing)',
      '✅ ESC-1 is posted in #billing: view the card (https://sandbox.slack.com/archives/C0BILLING/p',
      '── Mon 23 Nov 10:08 ·',
      '⏰ ESC-1 is still unclaimed: 7m',
      'left to acknowledge (by Mon 23 Nov 10:15). @anna @ben',
      '🚨 ESC-1 missed its acknowledgement target (Mon 23 Nov 10:15). Escalated to tier 1: @lead',
      'DM @lead',
      '🚨 ESC-1 was not acknowledged in time. You are tier 1 of the billing team',
      '🙋 Claimed by @anna after 15 min',
      'anna submits: reason="Which card was charged twice: the one ending 4417?"',
      'DM @alex       alex:',
      "@alex passed on the customer's answer",
      'carl submits: team="app"',
      '🔀 Rerouted to #app by @carl',
      'See the new card (https://sandbox.slack.com/archives/C0APP/p',
      'anna submits: note=',
      '✅ ESC-1 is resolved by @anna. Tell the customer:',
      '── Mon 23 Nov 14:00 · billing-daily: the digest goes out.',
      '▌ Digest billing-daily',
      'more lines)',
      'Next steps:',
      'npm run playground',
      'npx frontline check routing.yml',
      'README.md, "Installing in a real workspace"',
    ];
    let at = 0;
    for (const line of order) {
      const found = output.indexOf(line, at);
      expect(found, `transcript should show "${line}" after position ${at}`).toBeGreaterThanOrEqual(0);
      at = found;
    }
    // Each reminder went out on time, one by one, not as one late burst.
    expect(output).not.toContain('While Frontline was down');
  }, 40_000);
});
