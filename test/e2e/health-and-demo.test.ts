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
  it('plays an escalation from filing to the agent hearing back, as a transcript', async () => {
    let output = '';
    await runDemo((text) => { output += text; });
    const order = [
      'alex: /escalate billing medium Customer charged twice for order 1182 via:phone',
      '▌ ESC-1 · Billing & payments',
      '✅ ESC-1 is posted in #billing',
      'sam submits:',
      '👀 FYI: ESC-2',
      "⛔ Only the team's owners (@anna, @ben) may claim ESC-1.",
      '🙋 Claimed by @anna',
      'anna submits: note=',
      '✅ Resolved by @anna',
      'DM @alex',
      '✅ ESC-1 is resolved by @anna. Tell the customer:',
    ];
    let at = 0;
    for (const line of order) {
      const found = output.indexOf(line, at);
      expect(found, `transcript should show "${line}" after position ${at}`).toBeGreaterThanOrEqual(0);
      at = found;
    }
    expect(output).toContain('Refund promised in DMs never arrived <!channel>');
  });
});
