import { sql } from 'drizzle-orm';
import postgres from 'postgres';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logger.js';
import { AGENTS, FRONTLINE_CHANNEL } from '../../src/sandbox/workspace.js';
import { testClock } from '../support/clock.js';
import { freshDatabase, SEVERAL_CONNECTIONS_URL } from '../support/database.js';
import { startHarness, type Harness } from '../support/harness.js';
import { fileQuick, keyOf, postedCard } from '../support/queries.js';

/**
 * A channel's messages go out through its lane. Requests mark the lane due only
 * after they commit, so a busy lane never makes one agent's filing wait on
 * another's transaction; a mark lost with a process that died at that moment is
 * made by the next sweep.
 */

let h: Harness | undefined;
let drop: (() => Promise<void>) | undefined;
afterEach(async () => {
  await h?.stop();
  await drop?.();
  h = drop = undefined;
});

describe('channels waiting out rate limits of different lengths', () => {
  it('each go again when their own wait ends, not at the next sweep', async () => {
    // A sweep a minute apart: only the worker's own wake-ups can send on time.
    h = await startHarness({ env: { SWEEP_INTERVAL_MS: '60000' } });
    h.slack.failNext('chat.postMessage', { status: 429, retryAfter: 1, channel: 'C0BILLING' });
    h.slack.failNext('chat.postMessage', { status: 429, retryAfter: 2, channel: 'C0DELIVERY' });
    const billing = await h.driver.slash(AGENTS.phone, FRONTLINE_CHANNEL, 'billing easy Refund after a rate limit');
    const delivery = await h.driver.slash(AGENTS.phone, FRONTLINE_CHANNEL, 'delivery easy Parcel after a longer rate limit');

    await h.slack.waitFor('billing card', () => h!.slack.messagesIn('C0BILLING').find((m) => m.text.startsWith(`${keyOf(billing)} `)), 4000);
    // Within seconds of its own wait, not at the sweep a minute away.
    expect(await h.slack.waitFor('delivery card', () => h!.slack.messagesIn('C0DELIVERY').find((m) => m.text.startsWith(`${keyOf(delivery)} `)), 4000)).toBeTruthy();
  });
});

describe('a lane being sent when more is queued to it', () => {
  it('sends what came meanwhile as soon as it is free, not at the next sweep', async () => {
    h = await startHarness({ env: { SWEEP_INTERVAL_MS: '60000' } });
    const held = h.slack.holdNext('chat.postMessage', { channel: 'C0BILLING' });
    const first = await h.driver.slash(AGENTS.phone, FRONTLINE_CHANNEL, 'billing easy Refund while the lane is busy');
    await held.arrived;
    // The sender took all the lane had (one card) and is waiting on Slack: this card comes after its take.
    const second = await h.driver.slash(AGENTS.phone, FRONTLINE_CHANNEL, 'billing easy Second refund while the lane is busy');
    held.release();
    const cardOf = (reply: { body: unknown }) => () => h!.slack.messagesIn('C0BILLING').find((m) => m.text.startsWith(`${keyOf(reply)} `));
    await h.slack.waitFor('first card', cardOf(first), 4000);
    expect(await h.slack.waitFor('second card', cardOf(second), 4000)).toBeTruthy();
    expect(h.slack.messagesIn('C0BILLING').filter((m) => !m.threadTs).map((m) => m.text.slice(0, m.text.indexOf(' ')))).toEqual([keyOf(first), keyOf(second)]);
  });
});

describe('a lane whose mark was lost', () => {
  it('is marked due by the next sweep, which sends its message and says so in the log', async () => {
    const clock = testClock('2026-11-23T10:00:00Z');
    const lines: string[] = [];
    h = await startHarness({ now: clock.now, log: createLogger('info', { write: (line: string) => lines.push(line) }) });
    const { key } = await fileQuick(h, 'billing easy Refund stuck', 'C0BILLING');
    await h.app.flush(); // the lane has sent everything and gone idle
    const issueId = Number(key.slice('ESC-'.length));
    // What a process killed between its commit and its mark leaves: a queued note in a lane marked idle.
    await h.app.database.db.execute(sql`insert into outbox (issue_id, kind, payload, lane, available_at, created_at)
      values (${issueId}, 'thread_note', ${JSON.stringify({ channel: 'C0BILLING', note: { note: 'reopened', by: AGENTS.phone, reason: 'Customer called again' } })}::jsonb, 'C0BILLING', ${clock.now().toISOString()}::timestamptz, ${clock.now().toISOString()}::timestamptz)`);
    await h.app.database.db.execute(sql`update outbox_lanes set available_at = null where lane = 'C0BILLING'`);
    const threadNotes = () => h!.slack.messagesIn('C0BILLING').filter((m) => m.threadTs && m.text.includes('Customer called again'));

    await h.app.sweep();
    expect(threadNotes()).toHaveLength(0); // a mark may still be on its way for a second or two: left to it
    clock.advance(10_000);
    await h.app.sweep();
    expect(threadNotes()).toHaveLength(1);
    expect(lines.some((l) => l.includes('"msg":"outbox lanes held messages but were not marked due; marked now"') && l.includes('C0BILLING'))).toBe(true);
    await h.app.sweep();
    expect(threadNotes()).toHaveLength(1);
  });
});

describe.runIf(SEVERAL_CONNECTIONS_URL)('a lane row held by another transaction (Postgres)', () => {
  it('does not hold up a filing to its channel: the agent hears "filed" at once, and the card goes up once the row is free', async () => {
    const database = await freshDatabase(SEVERAL_CONNECTIONS_URL);
    drop = database.drop;
    h = await startHarness({ databaseUrl: database.url });
    await fileQuick(h, 'billing easy First of the outage', 'C0BILLING');
    // Another transaction (a timer firing on another instance, say) has updated the billing lane's row and not committed.
    const other = postgres(database.url!, { max: 1, onnotice: () => {} });
    let release = () => {};
    const released = new Promise<void>((resolve) => (release = resolve));
    let held = () => {};
    const holds = new Promise<void>((resolve) => (held = resolve));
    const holding = other.begin(async (tx) => {
      await tx`update outbox_lanes set version = version + 1 where lane = 'C0BILLING'`;
      held();
      await released;
    });
    await holds;
    try {
      const started = Date.now();
      const reply = await h.driver.slash(AGENTS.phone, FRONTLINE_CHANNEL, 'billing easy Second of the outage');
      expect(Date.now() - started).toBeLessThan(2_000);
      const key = /ESC-\d+/.exec((reply.body as { text: string }).text)?.[0];
      expect(key).toBeDefined();
      release();
      await holding;
      await h.app.flush();
      expect(await postedCard(h, 'C0BILLING', key!)).toBeDefined();
    } finally {
      release();
      await holding.catch(() => undefined);
      await other.end();
    }
  });
});
