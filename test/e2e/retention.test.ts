import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dailyJobs, issueEvents, outbox } from '../../src/db/schema.js';
import { FRONTLINE_CHANNEL } from '../../src/sandbox/workspace.js';
import { testClock } from '../support/clock.js';
import { EXAMPLE_ROUTING, startHarness, type Harness } from '../support/harness.js';
import { issueByKey, postedCard } from '../support/queries.js';

/** `retention:` deletes old resolved issues, events and sent messages, once a day, and nothing that is kept. */
describe('retention', () => {
  let h: Harness;
  const clock = testClock('2025-09-01T10:00:00Z'); // a Monday, more than 400 days before the end of the test
  beforeAll(async () => {
    h = await startHarness({ now: clock.now, persistent: true, routing: `${EXAMPLE_ROUTING}\nretention: { resolved_issues: 400d, outbox: 14d, events: 400d }\n` });
  });
  afterAll(async () => { await h?.stop(); });

  async function file(text: string) {
    const reply = await h.driver.slash('U0ALEX', FRONTLINE_CHANNEL, text);
    const key = /ESC-\d+/.exec((reply.body as { text: string }).text)![0];
    return { key, card: await postedCard(h, 'C0BILLING', key) };
  }

  it('deletes what is past its age once a day, and keeps open issues and recent data', async () => {
    await h.app.sweep(); // the first day's run, before the clock moves on
    const old = await file('billing easy Old resolved issue');
    const stillOpen = await file('billing easy Old issue nobody resolved');
    await h.driver.click('U0ANNA', old.card, 'issue_resolve');
    const view = await h.slack.waitFor('form', () => h.slack.openViewOf('U0ANNA'));
    await h.driver.submit('U0ANNA', { note: 'Done long ago.' }, { view });
    await h.slack.waitFor('resolved', async () => (await issueByKey(h, old.key))!.status === 'resolved');
    await h.app.flush();
    const db = h.app.database.db;
    const oldOutbox = await db.$count(outbox);
    expect(oldOutbox).toBeGreaterThan(0);

    clock.set('2026-11-02T10:00:00Z'); // 427 days later
    const recent = await file('billing easy A recent issue');
    await h.app.sweep();

    expect(await issueByKey(h, old.key)).toBeUndefined();
    expect(await issueByKey(h, stillOpen.key)).toMatchObject({ status: 'unclaimed' });
    expect(await issueByKey(h, recent.key)).toMatchObject({ status: 'unclaimed' });
    // Events older than 400 days are gone, even those of an issue still open; recent ones stay.
    const events = await db.select().from(issueEvents);
    expect(events.every((e) => e.at >= new Date('2025-09-28T10:00:00Z'))).toBe(true);
    const recentId = (await issueByKey(h, recent.key))!.id;
    expect(events.some((e) => e.issueId === recentId)).toBe(true);
    // Sent messages older than 14 days are gone.
    const done = (m: typeof outbox.$inferSelect) => m.sentAt ?? m.failedAt ?? m.createdAt;
    expect((await db.select().from(outbox)).every((m) => m.status === 'pending' || done(m) >= new Date('2026-10-19T10:00:00Z'))).toBe(true);

    await h.app.sweep();
    await h.restart(); // another process, the same day: it finds the day's run taken
    await h.app.sweep();
    const runs = await h.app.database.db.select().from(dailyJobs);
    expect(runs.map((r) => `${r.job} ${r.day}`).sort()).toEqual(['retention 2025-09-01', 'retention 2026-11-02']);
  });
});
