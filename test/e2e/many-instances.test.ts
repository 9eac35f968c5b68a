import { and, eq, lte } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fileIssue } from '../../src/app/file-issue.js';
import { readConfig } from '../../src/config.js';
import { outbox, timers } from '../../src/db/schema.js';
import { claimDueTimers } from '../../src/db/timer-store.js';
import { createLogger } from '../../src/logger.js';
import { startFrontline, type Frontline } from '../../src/main.js';
import { SlackSandbox } from '../../src/sandbox/slack-server.js';
import { seedWorkspace } from '../../src/sandbox/workspace.js';
import { testClock } from '../support/clock.js';
import { freshDatabase, SEVERAL_CONNECTIONS_URL } from '../support/database.js';
import { EXAMPLE_ROUTING, matrixFrom } from '../support/harness.js';

/** Several instances behind a load balancer share one Postgres: every nudge and tier goes out exactly once. */
const ROUTING = EXAMPLE_ROUTING.replace(
  '  hard:   { label: "Hard: legal, safety or senior", ack: 15m, resolve: 4h, calendar: always }',
  '  hard:   { label: "Hard: legal, safety or senior", ack: 15m, resolve: 4h, calendar: always }\n  urgent: { label: "Urgent: outage", ack: 10m, resolve: 1h, calendar: always }',
);

describe.runIf(SEVERAL_CONNECTIONS_URL)('two instances on one Postgres', () => {
  const clock = testClock('2026-11-23T10:00:00Z');
  const matrix = matrixFrom(ROUTING);
  let slack: SlackSandbox;
  let instances: Frontline[] = [];
  let drop: () => Promise<void>;

  beforeAll(async () => {
    // 200 cards in one channel: this is about exactly-once, not Slack's posting rate (see bench/burst-benchmark.ts).
    slack = await new SlackSandbox(null).start();
    seedWorkspace(slack, matrix, { S0TRIAGE: ['U0TESS'] });
    const database = await freshDatabase(SEVERAL_CONNECTIONS_URL);
    drop = database.drop;
    const config = readConfig({
      SLACK_BOT_TOKEN: slack.botToken, SLACK_SIGNING_SECRET: slack.signingSecret, SLACK_API_URL: slack.apiUrl,
      PORT: '0', DATABASE_URL: database.url, SWEEP_INTERVAL_MS: '50',
    });
    const start = () => startFrontline({
      config: config as typeof config & { slack: { botToken: string } }, matrix, now: clock.now, log: createLogger('silent'),
    });
    instances = [await start(), await start()];
  });
  afterAll(async () => {
    await Promise.all(instances.map((i) => i.stop()));
    await slack?.stop();
    await drop?.();
  });

  const notesAbout = (pattern: string) => slack.messages.filter((m) => m.threadTs && m.text.includes(pattern)).length;
  const sweepBoth = () => Promise.all([...instances, ...instances].map((i) => i.sweep()));
  /** Sweeps until no timer is due and no message is waiting to be sent. */
  const settle = () => slack.waitFor('every due timer fired and every message sent', async () => {
    await sweepBoth();
    const db = instances[0]!.database.db;
    const due = await db.$count(timers, and(eq(timers.status, 'pending'), lte(timers.dueAt, clock.now())));
    const unsent = await db.$count(outbox, eq(outbox.status, 'pending'));
    return due + unsent === 0;
  }, 60_000);

  it('sends each of 200 issues\' nudges and tier-1 escalation exactly once', async () => {
    const [a] = instances;
    for (let i = 0; i < 200; i++) {
      await fileIssue(a!.ctx, { category: 'billing', level: 'urgent', origin: 'phone', summary: `Outage report ${i}`, agentId: 'U0ALEX', requestKey: `bulk:${i}` });
    }
    await slack.waitFor('200 cards', () => slack.messagesIn('C0BILLING').filter((m) => !m.threadTs).length === 200, 30_000);
    // Lanes are leased on the test's clock: let the senders finish before it jumps minutes past their leases.
    const finishSending = () => Promise.all(instances.map((i) => i.flush()));
    await finishSending();

    clock.set('2026-11-23T10:05:00Z');
    await sweepBoth();
    await slack.waitFor('200 first nudges', () => notesAbout('5m left to acknowledge') === 200, 30_000);
    await finishSending();
    clock.set('2026-11-23T10:10:00Z');
    await sweepBoth();
    await slack.waitFor('200 escalations', () => notesAbout('Escalated to tier 1') === 200, 30_000);
    await slack.waitFor('200 tier DMs', () => slack.dmsTo('U0LEAD').length === 200, 30_000);
    await Promise.all(instances.map((i) => i.flush()));
    await sweepBoth();

    expect(notesAbout('5m left to acknowledge')).toBe(200);
    expect(notesAbout('Escalated to tier 1')).toBe(200);
    expect(slack.dmsTo('U0LEAD')).toHaveLength(200);
    expect(new Set(slack.dmsTo('U0LEAD').map((m) => /ESC-\d+/.exec(m.text)![0])).size).toBe(200);
  }, 120_000);

  it('sends a digest slot once, however many instances reach it together', async () => {
    // support-weekly: Mondays 09:00 London. Both instances sweep at the slot, four times over.
    clock.set('2026-11-30T09:00:00Z');
    await Promise.all([sweepBoth(), sweepBoth()]);
    await slack.waitFor('digest', () => slack.dmsTo('U0MANAGER').some((m) => m.text.startsWith('Digest support-weekly')), 10_000);
    await Promise.all(instances.map((i) => i.flush()));
    await sweepBoth();
    expect(slack.dmsTo('U0MANAGER').filter((m) => m.text.startsWith('Digest support-weekly'))).toHaveLength(1);
  });

  it('fires the timers a crashed instance had claimed, once its lease runs out', async () => {
    const [a, b] = instances;
    clock.set('2026-11-30T10:10:00Z');
    // The 200 issues above missed their later tiers during the week skipped: let those go out first,
    // so this issue's messages are not queued behind them in the billing channel's lane.
    await settle();
    const { issue } = await fileIssue(a!.ctx, { category: 'billing', level: 'urgent', origin: 'phone', summary: 'Crash test', agentId: 'U0ALEX', requestKey: 'crash' });
    // An instance claims the timers due at 10:20 (both nudges and tier 1) and dies before acting on them. It claims
    // before the clock moves there, so that no live instance's timer alarm, waking meanwhile, takes them first.
    const tenTwenty = new Date('2026-11-30T10:20:00Z');
    const abandoned = await claimDueTimers(a!.database.db, tenTwenty, 100, 60_000);
    clock.set(tenTwenty.toISOString());
    expect(abandoned.filter((t) => t.issueId === issue.id).length).toBeGreaterThan(0);
    const aboutIt = () => slack.messages.filter((m) => m.threadTs && new RegExp(`\\b${issue.key}\\b`).test(m.text)).length;
    await b!.sweep();
    expect(aboutIt()).toBe(0); // claimed by the dead instance: nobody else touches them yet
    clock.set('2026-11-30T10:21:30Z'); // the lease has expired (5 s with a 50 ms sweep interval)
    await sweepBoth();
    await slack.waitFor('the missed escalation, once', () => slack.dmsTo('U0LEAD').some((m) => m.text.includes(issue.key)), 10_000);
    await slack.waitFor('its note in the thread', () => aboutIt() > 0, 10_000);
    await sweepBoth();
    expect(slack.dmsTo('U0LEAD').filter((m) => m.text.includes(`*${issue.key}*`))).toHaveLength(1);
    expect(aboutIt()).toBe(1); // one collapsed message for the nudges and the tier it missed
  });
});
