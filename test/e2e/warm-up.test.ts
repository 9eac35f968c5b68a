import { sql } from 'drizzle-orm';
import { createServer, type AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logger.js';
import { AGENTS, FRONTLINE_CHANNEL } from '../../src/sandbox/workspace.js';
import { startHarness, type Harness } from '../support/harness.js';
import { fileQuick, issueByKey } from '../support/queries.js';

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

async function startWarming(options: { socketMode?: boolean; persistent?: boolean; env?: Record<string, string> } = {}, lines: string[] = []) {
  h = await startHarness({
    ...options,
    env: { WARM_UP_ROUNDS: '12', ...options.env },
    log: createLogger('debug', { write: (line: string) => lines.push(line) }),
  });
  return { harness: h, lines };
}

async function rowCounts(harness: Harness) {
  const tables = ['issues', 'issue_events', 'idempotency_keys', 'timers', 'outbox', 'outbox_lanes'];
  const result = await harness.app.database.db.execute(sql.raw(`select ${tables.map((t) => `(select count(*)::int from ${t}) as ${t}`).join(', ')}`));
  return (result as unknown as { rows?: unknown[] }).rows?.[0] ?? (result as unknown as unknown[])[0];
}

async function connectionsOpen(harness: Harness): Promise<number> {
  const result = await harness.app.database.db.execute(sql`select count(*)::int as open from pg_stat_activity where datname = current_database()`);
  return (result as unknown as Array<{ open: number }>)[0]!.open;
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

const slackWrites = (harness: Harness) => harness.slack.calls.filter((c) => WRITES.includes(c.method));
const records = (lines: string[]) => lines.map((l) => JSON.parse(l) as { level: string; msg: string; rounds?: number; finished?: boolean });

describe('the start-up warm-up', () => {
  it('answers its own signed requests and rehearses filings, leaving no row, no Slack call and no ESC number used', async () => {
    const { harness, lines } = await startWarming();
    const logged = records(lines);
    expect(logged.find((r) => r.msg === 'warmed up')).toMatchObject({ rounds: 12, finished: true });
    // A help request refused (a bad signature) or a rehearsal that failed would have been a warning.
    expect(logged.filter((r) => ['warn', 'error', 'fatal'].includes(r.level))).toEqual([]);
    expect(await rowCounts(harness)).toEqual({ issues: 0, issue_events: 0, idempotency_keys: 0, timers: 0, outbox: 0, outbox_lanes: 0 });
    expect(slackWrites(harness)).toEqual([]);
    // Rounds run side by side: every connection of the pool was opened before the app said it was ready.
    if (harness.app.database.kind === 'postgres') expect(await connectionsOpen(harness)).toBeGreaterThanOrEqual(harness.app.database.connections);

    const { key } = await fileQuick(harness, 'billing easy via:phone Refund not received', 'C0BILLING');
    expect(key).toBe('ESC-1');
  });

  it('touches nothing open when it starts again: a rehearsal like an open issue joins it only inside its rollback', async () => {
    const { harness } = await startWarming({ persistent: true });
    const { key } = await fileQuick(harness, `app easy via:chat ${REHEARSAL_WORDS}`, 'C0APP');
    await harness.app.flush();
    const before = { issue: await issueByKey(harness, key), rows: await rowCounts(harness), writes: slackWrites(harness).length };

    await harness.restart();
    expect(await issueByKey(harness, key)).toEqual(before.issue);
    expect(await rowCounts(harness)).toEqual(before.rows);
    expect(slackWrites(harness)).toHaveLength(before.writes);
    expect(harness.slack.messagesIn('C0APP', { threadTs: before.issue!.cardTs! })).toEqual([]);
    expect((await fileQuick(harness, 'camera easy via:email Lens cracked on arrival', 'C0CAMERA')).key).toBe('ESC-2');
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

  it('rehearses filings in Socket Mode too, where there is no HTTP port to ask', async () => {
    const { harness, lines } = await startWarming({ socketMode: true });
    expect(records(lines).find((r) => r.msg === 'warmed up')).toMatchObject({ rounds: 12, finished: true });
    expect(await rowCounts(harness)).toMatchObject({ issues: 0, idempotency_keys: 0 });
    expect(harness.slack.callsTo('chat.postMessage')).toEqual([]);
    const reply = await harness.driver.slash(AGENTS.phone, FRONTLINE_CHANNEL, 'help');
    expect(reply.status).toBe(200);
  });
});
