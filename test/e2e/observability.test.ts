import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { networkInterfaces } from 'node:os';
import { AGENTS, FRONTLINE_CHANNEL } from '../../src/sandbox/workspace.js';
import { MINUTE, testClock } from '../support/clock.js';
import { startHarness, type Harness } from '../support/harness.js';
import { postedCard } from '../support/queries.js';

/** What an SRE scrapes and probes: /livez, /readyz, and /metrics on a port of its own. */
describe('probes and metrics for an SRE', () => {
  let h: Harness;
  const clock = testClock('2026-11-23T10:00:00Z'); // Monday, office hours
  beforeAll(async () => { h = await startHarness({ now: clock.now, env: { METRICS_PORT: '0' } }); });
  afterAll(async () => { await h?.stop(); });

  const metrics = async () => (await fetch(`http://127.0.0.1:${h.app.metricsPort}/metrics`)).text();

  it('serves /metrics on METRICS_PORT only, with times to acknowledge and resolve, missed targets, build info and Node metrics', async () => {
    expect((await fetch(`http://127.0.0.1:${h.app.port}/metrics`)).status).toBe(404);
    const reply = await h.driver.slash(AGENTS.phone, FRONTLINE_CHANNEL, 'billing hard Card charged three times');
    const key = /ESC-\d+/.exec((reply.body as { text: string }).text)![0];
    const card = await postedCard(h, 'C0BILLING', key);
    clock.advance(20 * MINUTE); // hard: acknowledge within 15m, so this claim is late
    await h.driver.click('U0ANNA', card, 'issue_claim');
    await h.slack.waitFor('claimed', () => card.history.length > 0);
    const text = await h.slack.waitFor('the claim counted', async () => {
      const body = await metrics();
      return body.includes('frontline_targets_missed_total{team="billing",target="ack"} 1') && body;
    });
    expect(text).toContain('frontline_time_to_acknowledge_seconds_bucket{le="1800",team="billing",level="hard"} 1');
    expect(text).toContain('frontline_time_to_acknowledge_seconds_bucket{le="900",team="billing",level="hard"} 0');
    expect(text).toMatch(/frontline_build_info\{version="\d+\.\d+\.\d+",node="[\d.]+"\} 1/);
    expect(text).toContain('process_cpu_seconds_total');
    expect(text).toContain('nodejs_eventloop_lag_seconds');
    expect(text).toContain('frontline_outbox_oldest_pending_seconds');
    expect(text).toContain('# TYPE frontline_background_errors_total counter');
  });

  it('answers /livez always, and /readyz only while the database answers and the bot is not stopping', async () => {
    const get = (path: string) => fetch(`http://127.0.0.1:${h.app.port}${path}`);
    expect((await get('/livez')).status).toBe(200);
    const ready = await get('/readyz');
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ ok: true, database: 'up' });
  });
});

/** HOST keeps Slack's port on one address (the playground uses 127.0.0.1): not reachable from the network. */
describe('HOST', () => {
  const external = Object.values(networkInterfaces()).flat().find((a) => a && a.family === 'IPv4' && !a.internal)?.address;
  let h: Harness;
  beforeAll(async () => { h = await startHarness({ env: { HOST: '127.0.0.1' } }); });
  afterAll(async () => { await h?.stop(); });

  it.skipIf(!external)('listens only on the address given', async () => {
    expect((await fetch(`http://127.0.0.1:${h.app.port}/livez`)).status).toBe(200);
    await expect(fetch(`http://${external}:${h.app.port}/livez`)).rejects.toThrow();
  });
});
