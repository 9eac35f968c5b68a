import { sql } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { rowsOf } from '../../src/db/client.js';
import { createLogger } from '../../src/logger.js';
import { AGENTS, FRONTLINE_CHANNEL } from '../../src/sandbox/workspace.js';
import { freePort } from '../support/free-port.js';
import { EXAMPLE_ROUTING, startHarness, type Harness } from '../support/harness.js';
import { fileQuick, issueByKey, keyOf } from '../support/queries.js';

/**
 * Before it says it is ready, the app warms up: signed `/escalate help` requests
 * to itself and rehearsed quick-form filings that roll back (src/warm-up.ts).
 * Whatever the database already holds, a warm-up must leave no trace: no row,
 * no Slack call, no ESC number used up.
 */
let h: Harness | undefined;
afterEach(async () => { await h?.stop(); h = undefined; });

/** The rehearsal's own words: an open `app` issue saying the same is one it would join as a swarm report. */
const REHEARSAL_WORDS = 'Frontline warming up: nothing is filed';
const WRITES = ['chat.postMessage', 'chat.postEphemeral', 'chat.update', 'chat.delete', 'views.publish', 'views.open', 'conversations.open'];

async function startWarming(options: { socketMode?: boolean; persistent?: boolean; env?: Record<string, string>; routing?: string } = {}, lines: string[] = []) {
  h = await startHarness({
    ...options,
    env: { WARM_UP_ROUNDS: '12', ...options.env },
    log: createLogger('debug', { write: (line: string) => lines.push(line) }),
  });
  return { harness: h, lines };
}

async function rowCounts(harness: Harness) {
  const tables = ['issues', 'issue_events', 'idempotency_keys', 'timers', 'outbox', 'outbox_lanes'];
  return (await rowsOf(harness.app.database.db, sql.raw(`select ${tables.map((t) => `(select count(*)::int from ${t}) as ${t}`).join(', ')}`)))[0];
}

async function connectionsOpen(harness: Harness): Promise<number> {
  const [row] = await rowsOf<{ open: number }>(harness.app.database.db, sql`select count(*)::int as open from pg_stat_activity where datname = current_database()`);
  return row!.open;
}

const slackWrites = (harness: Harness) => harness.slack.calls.filter((c) => WRITES.includes(c.method));
const records = (lines: string[]) => lines.map((l) => JSON.parse(l) as { level: string; msg: string; rounds?: number; of?: number });
const warnings = (lines: string[]) => records(lines).filter((r) => ['warn', 'error', 'fatal'].includes(r.level));

/** A sequence's last value, or 0 if nothing has drawn from it yet. */
async function lastDrawn(harness: Harness, sequence: string): Promise<number> {
  const [row] = await rowsOf<{ drawn: number }>(harness.app.database.db, sql.raw(`select case when is_called then last_value else 0 end::int as drawn from ${sequence}`));
  return row!.drawn;
}

describe('the start-up warm-up', () => {
  it('answers its own signed requests and rehearses filings, leaving no row, no Slack call and no ESC number used', async () => {
    const { harness, lines } = await startWarming();
    expect(records(lines).find((r) => r.msg === 'warmed up')).toMatchObject({ level: 'info', rounds: 12, of: 12 });
    // A help request refused (a bad signature) or a rehearsal that failed would have been a warning.
    expect(warnings(lines)).toEqual([]);
    expect(await rowCounts(harness)).toEqual({ issues: 0, issue_events: 0, idempotency_keys: 0, timers: 0, outbox: 0, outbox_lanes: 0 });
    // Each rehearsal wrote its events (filed, routed) and its card before rolling back; the issues' numbers were not drawn.
    expect(await lastDrawn(harness, 'issue_events_id_seq')).toBeGreaterThanOrEqual(24);
    expect(await lastDrawn(harness, 'outbox_id_seq')).toBeGreaterThanOrEqual(12);
    expect(await lastDrawn(harness, 'issues_id_seq')).toBe(0);
    expect(slackWrites(harness)).toEqual([]);
    // Rounds run side by side: every connection of the pool was opened before the app said it was ready.
    if (harness.app.database.kind === 'postgres') expect(await connectionsOpen(harness)).toBeGreaterThanOrEqual(harness.app.database.connections);

    const { key } = await fileQuick(harness, 'billing easy via:phone Refund not received', 'C0BILLING');
    expect(key).toBe('ESC-1');
  });

  it('never joins a real swarm: an open outage in its very words is left alone, and no false alarm is logged', async () => {
    const lines: string[] = [];
    const { harness } = await startWarming({ persistent: true }, lines);
    // A parent and three reports: one more report would make it a probable outage (5 within 15 minutes).
    const { key } = await fileQuick(harness, `app easy via:chat ${REHEARSAL_WORDS}`, 'C0APP');
    for (let i = 0; i < 3; i++) keyOf(await harness.driver.slash(AGENTS.phone, FRONTLINE_CHANNEL, `app easy via:phone ${REHEARSAL_WORDS}`));
    await harness.app.flush();
    const thread = () => harness.slack.messagesIn('C0APP', { threadTs: before.issue!.cardTs! }).length;
    const before = { issue: await issueByKey(harness, key), rows: await rowCounts(harness), writes: slackWrites(harness).length, notes: 0 };
    before.notes = thread();
    expect(before.issue!.reportCount).toBe(3);

    lines.length = 0;
    await harness.restart();
    expect(records(lines).find((r) => r.msg === 'warmed up')).toMatchObject({ rounds: 12 });
    expect(warnings(lines)).toEqual([]);
    expect(await issueByKey(harness, key)).toEqual(before.issue);
    expect(await rowCounts(harness)).toEqual(before.rows);
    expect(slackWrites(harness)).toHaveLength(before.writes);
    expect(thread()).toBe(before.notes);
    // Four issues were filed before the restart: the next is the fifth.
    expect((await fileQuick(harness, 'camera easy via:email Lens cracked on arrival', 'C0CAMERA')).key).toBe('ESC-5');
  });

  it('keeps /readyz at 503 until it has warmed up, so that no load balancer sends it a burst cold', async () => {
    const port = await freePort();
    const lines: string[] = [];
    const warmedUp = () => lines.some((l) => l.includes('"msg":"warmed up"'));
    const answers: Array<{ status: number; body: unknown; warmedUp: boolean }> = [];
    let started = false;
    const starting = startWarming({ env: { PORT: String(port), WARM_UP_ROUNDS: '150' } }, lines).finally(() => { started = true; });
    while (!started) {
      const answer = await fetch(`http://127.0.0.1:${port}/readyz`).catch(() => undefined);
      // Not warmed up even once the answer is in: the answer was given while warming up.
      if (answer) answers.push({ status: answer.status, body: await answer.json(), warmedUp: warmedUp() });
      await new Promise((r) => setTimeout(r, 10));
    }
    await starting;
    const whileWarming = answers.filter((a) => !a.warmedUp);
    expect(whileWarming.length).toBeGreaterThan(0);
    expect(whileWarming.filter((a) => a.status !== 503)).toEqual([]);
    expect(whileWarming[0]!.body).toEqual({ ok: false, database: 'not asked', warming_up: true });
    const ready = await fetch(`http://127.0.0.1:${port}/readyz`);
    expect([ready.status, await ready.json()]).toEqual([200, { ok: true, database: 'up' }]);
  });

  it('rehearses a category whose name reads as a command (`help`) as any other', async () => {
    const routing = EXAMPLE_ROUTING.replace('  other:    { label: "Something else" }', '  help:     { label: "Help desk tools" }\n  other:    { label: "Something else" }');
    expect(routing).not.toBe(EXAMPLE_ROUTING);
    const { lines } = await startWarming({ routing });
    expect(records(lines).find((r) => r.msg === 'warmed up')).toMatchObject({ rounds: 12, of: 12 });
    expect(warnings(lines)).toEqual([]);
  });

  it('rehearses filings in Socket Mode too, where there is no HTTP port to ask', async () => {
    const { harness, lines } = await startWarming({ socketMode: true });
    expect(records(lines).find((r) => r.msg === 'warmed up')).toMatchObject({ rounds: 12, of: 12 });
    expect(await rowCounts(harness)).toMatchObject({ issues: 0, idempotency_keys: 0 });
    expect(harness.slack.callsTo('chat.postMessage')).toEqual([]);
    const reply = await harness.driver.slash(AGENTS.phone, FRONTLINE_CHANNEL, 'help');
    expect(reply.status).toBe(200);
  });
});
