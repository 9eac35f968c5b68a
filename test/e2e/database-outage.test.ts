import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AGENTS, FRONTLINE_CHANNEL } from '../../src/sandbox/workspace.js';
import { startHarness, type Harness } from '../support/harness.js';
import { allIssues } from '../support/queries.js';
import { freshDatabase } from '../support/database.js';
import { throwawayPostgres, throwawayUnavailable, type ThrowawayPostgres } from '../support/throwaway-postgres.js';

/**
 * The database stops, or stalls, under a running bot: a Postgres of the test's
 * own, on another port. Every answer comes within Slack's 3 seconds, says
 * plainly that nothing was filed, and nothing is filed later either.
 */

// One server for the file; each test gets its own database on it, and leaves the server running.
let server: ThrowawayPostgres | undefined;
let h: Harness | undefined;
beforeAll(async () => {
  if (!throwawayUnavailable) server = await throwawayPostgres();
});
afterAll(async () => {
  await server?.destroy();
});
afterEach(async () => {
  server?.resume();
  await server?.start().catch(() => undefined);
  await h?.stop();
  h = undefined;
});

async function botOnOwnPostgres(): Promise<{ h: Harness; pg: ThrowawayPostgres }> {
  const database = await freshDatabase(server!.url);
  h = await startHarness({ databaseUrl: database.url });
  return { h, pg: server! };
}

const text = (reply: { body: unknown }) => (typeof reply.body === 'object' ? (reply.body as { text?: string }).text ?? '' : '');

/** Ten agents at once, each with the quick form: every answer within 2.5 s, saying nothing was filed. */
async function tenAgentsFileQuickly(h: Harness) {
  const replies = await Promise.all(Array.from({ length: 10 }, (_, i) =>
    h.driver.slash(AGENTS.phone, FRONTLINE_CHANNEL, `billing easy Outage report ${i}`)));
  for (const reply of replies) {
    expect(reply.status).toBe(200);
    expect(reply.ms).toBeLessThan(2_500);
    // Refused at once (stopped) or not answered in time (stalled): either way, plainly not filed.
    expect(text(reply)).toMatch(/nothing was filed/);
  }
}

async function healthIsDownQuickly(h: Harness) {
  const started = Date.now();
  const response = await fetch(`http://127.0.0.1:${h.app.port}/healthz`);
  expect(response.status).toBe(503);
  expect(Date.now() - started).toBeLessThan(1_000);
}

/** After the database is back and the bot has had time to retry, nothing was filed and no card was posted. */
async function nothingFiledLater(h: Harness) {
  await new Promise((r) => setTimeout(r, 3_000));
  await h.app.sweep();
  expect(await allIssues(h)).toEqual([]);
  expect(h.slack.messagesIn('C0BILLING')).toEqual([]);
}

describe.skipIf(throwawayUnavailable)('Postgres stopped under a running bot', () => {
  it('answers every agent within 2.5 s that nothing was filed, and files nothing when it comes back', async () => {
    const { h, pg } = await botOnOwnPostgres();
    await pg.stop();
    await tenAgentsFileQuickly(h);
    await healthIsDownQuickly(h);

    // The form stays open, saying why, so the agent can submit it again.
    await h.driver.slash(AGENTS.social, FRONTLINE_CHANNEL, '');
    await h.slack.waitFor('form', () => h.slack.openViewOf(AGENTS.social));
    const form = await h.driver.submit(AGENTS.social, { category: 'billing', level: 'easy', origin: 'email', summary: 'Outage by form' });
    expect(form.ms).toBeLessThan(2_500);
    expect(form.body).toMatchObject({ response_action: 'errors', errors: { summary: expect.stringMatching(/nothing was filed/i) } });

    await pg.start();
    await nothingFiledLater(h);
    // Back to normal, once the bot says so: the next filing works.
    await h.slack.waitFor('healthy again', async () => (await fetch(`http://127.0.0.1:${h.app.port}/healthz`)).ok, 10_000);
    const reply = await h.driver.slash(AGENTS.phone, FRONTLINE_CHANNEL, 'billing easy After the outage');
    expect(text(reply)).toMatch(/ESC-\d+\* is filed/);
    // Two starts of a throwaway Postgres and a recovery: on a loaded 2-core machine this story alone can pass 20 s.
  }, 45_000);
});

describe.skipIf(throwawayUnavailable)('Postgres stalled under a running bot', () => {
  it('answers within 2.5 s, and rolls back what it was doing when the database wakes up', async () => {
    const { h, pg } = await botOnOwnPostgres();
    pg.stall();
    await tenAgentsFileQuickly(h);
    await healthIsDownQuickly(h);
    pg.resume();
    await nothingFiledLater(h);
  });

  it('stops within 10 s while the database hangs', async () => {
    const { h, pg } = await botOnOwnPostgres();
    pg.stall();
    await tenAgentsFileQuickly(h);
    const started = Date.now();
    await h.app.stop();
    expect(Date.now() - started).toBeLessThan(10_000);
  });
});
