import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SandboxMessage } from '../../src/sandbox/slack-server.js';
import { AGENTS, FRONTLINE_CHANNEL } from '../../src/sandbox/workspace.js';
import { testClock } from '../support/clock.js';
import { EXAMPLE_ROUTING, startHarness, type Harness } from '../support/harness.js';
import { eventTypes, issueByKey, postedCard, askCustomer } from '../support/queries.js';

// A 24x7 level with short targets, so that the whole chain plays out in a few sweeps of the test clock.
const ROUTING = EXAMPLE_ROUTING.replace(
  '  hard:   { label: "Hard: legal, safety or senior", ack: 15m, resolve: 4h, calendar: always }',
  '  hard:   { label: "Hard: legal, safety or senior", ack: 15m, resolve: 4h, calendar: always }\n  urgent: { label: "Urgent: outage", ack: 10m, resolve: 1h, calendar: always }',
);

let h: Harness;
const clock = testClock('2026-11-23T10:00:00Z');
beforeAll(async () => { h = await startHarness({ now: clock.now, routing: ROUTING }); });
afterAll(async () => { await h?.stop(); });

/** Moves the clock to `minutes` after 10:00 and runs one sweep, as the interval would. */
async function at(minutes: number) {
  clock.set(new Date(Date.parse('2026-11-23T10:00:00Z') + minutes * 60_000).toISOString());
  await h.app.sweep();
}
const botThread = (card: SandboxMessage) => h.slack.messagesIn(card.channel, { threadTs: card.ts }).filter((m) => m.user === h.slack.botUserId);
const dmsAbout = (user: string, key: string) => h.slack.dmsTo(user).filter((m) => m.text.includes(`*${key}*`));

async function file(text: string): Promise<{ card: SandboxMessage; key: string }> {
  const reply = await h.driver.slash(AGENTS.phone, FRONTLINE_CHANNEL, text);
  const key = /ESC-\d+/.exec((reply.body as { text: string }).text)![0];
  return { card: await postedCard(h, 'C0BILLING', key), key };
}

describe('nudges and tiered escalation', () => {
  it('nudges the owners, then escalates tier by tier, and a claim stops the acknowledgement chain', async () => {
    const { card, key } = await file('billing urgent Payments page down for all customers');
    // 50% and 90% of 10 minutes: nudges at 10:05 and 10:09; tier 1 at 10:10; tier 2 (after 30m) at 10:40.
    await at(4);
    expect(botThread(card)).toHaveLength(0);

    await at(5);
    const first = botThread(card)[0]!;
    expect(first.text).toContain(`${key} is still unclaimed: 5m left to acknowledge`);
    expect(first.text).toContain('<@U0ANNA> <@U0BEN>');

    await at(9);
    expect(botThread(card).at(-1)!.text).toContain('1m left to acknowledge');

    await at(10);
    expect(botThread(card).at(-1)!.text).toContain(`${key} missed its acknowledgement target`);
    expect(botThread(card).at(-1)!.text).toContain('Escalated to tier 1: <@U0LEAD>');
    expect(dmsAbout('U0LEAD', key)[0]!.text).toContain('was not acknowledged in time. You are tier 1 of the billing team');
    expect(JSON.stringify(card.blocks)).toContain('*Acknowledgement target missed*: escalated to tier 1 of 2.');

    await at(39);
    expect(dmsAbout('U0DIRECTOR', key)).toHaveLength(0);
    await at(40);
    expect(dmsAbout('U0DIRECTOR', key)).toHaveLength(1);
    expect(botThread(card).at(-1)!.text).toContain('Escalated to tier 2: <@U0DIRECTOR>');

    const notes = botThread(card).length; // two nudges and two escalations
    expect(notes).toBe(4);
    await h.driver.click('U0ANNA', card, 'issue_claim');
    await h.slack.waitFor('claimed', async () => (await issueByKey(h, key))!.status === 'claimed');
    await at(45);
    expect(botThread(card)).toHaveLength(notes);
    expect(await eventTypes(h, (await issueByKey(h, key))!.id)).toEqual([
      'filed', 'routed', 'posted', 'nudged', 'nudged', 'escalated', 'escalated', 'claimed',
    ]);
  });

  it('runs the resolution chain after a claim, pauses it while waiting, and resolving stops everything', async () => {
    clock.set('2026-11-23T11:00:00Z');
    const { card, key } = await file('billing urgent Refunds failing');
    await h.driver.click('U0BEN', card, 'issue_claim');
    await h.slack.waitFor('claimed', async () => (await issueByKey(h, key))!.status === 'claimed');
    // Resolve target 12:00: nudges at 11:30 and 11:54 mention the claimer.
    await at(90);
    expect(botThread(card).at(-1)!.text).toContain('<@U0BEN> 30m left to resolve');

    // Waiting from 11:40 to 12:10: the 30 paused minutes move the target to 12:30.
    await at(100);
    await askCustomer(h, 'U0BEN', card);
    await h.slack.waitFor('waiting', async () => (await issueByKey(h, key))!.status === 'waiting');
    await at(125);
    expect(dmsAbout('U0LEAD', key)).toHaveLength(0);
    await at(130);
    await h.driver.click('U0BEN', card, 'issue_resume');
    await h.slack.waitFor('resumed', async () => (await issueByKey(h, key))!.status === 'claimed');
    expect((await issueByKey(h, key))!.resolveDueAt.toISOString()).toBe('2026-11-23T12:30:00.000Z');

    await at(149);
    expect(dmsAbout('U0LEAD', key)).toHaveLength(0);
    await at(150);
    expect(dmsAbout('U0LEAD', key)).toHaveLength(1);
    expect(botThread(card).at(-1)!.text).toContain(`${key} missed its resolution target`);

    await h.driver.click('U0BEN', card, 'issue_resolve');
    await h.slack.waitFor('form', () => h.slack.openViewOf('U0BEN'));
    await h.driver.submit('U0BEN', { note: 'Processor restarted; refunds go through again.' });
    await h.slack.waitFor('resolved', async () => (await issueByKey(h, key))!.status === 'resolved');
    await at(24 * 60);
    expect(h.slack.dmsTo('U0SENIOR').filter((m) => m.text.includes(key))).toHaveLength(0);
    expect(dmsAbout('U0LEAD', key)).toHaveLength(1);
  });

  it('mentions a user group when the owners are one', async () => {
    clock.set('2026-11-24T10:00:00Z');
    const reply = await h.driver.slash(AGENTS.phone, FRONTLINE_CHANNEL, 'other urgent Odd outage nobody owns');
    const key = /ESC-\d+/.exec((reply.body as { text: string }).text)![0];
    const card = await postedCard(h, 'C0TRIAGE', key);
    await at(24 * 60 + 5);
    expect(botThread(card).at(-1)!.text).toContain(`${key} is still unclaimed: 5m left to acknowledge`);
    expect(botThread(card).at(-1)!.text).toContain('<!subteam^S0TRIAGE>');
    await at(24 * 60 + 10);
    // Both nudges, and no escalation: triage has no chain, so there is nobody to escalate to.
    expect(botThread(card).map((m) => m.text.includes('left to acknowledge'))).toEqual([true, true]);
  });

  it('sends one "missed while Frontline was down" message per issue, not a burst', async () => {
    clock.set('2026-11-24T11:00:00Z');
    const { card, key } = await file('billing urgent Checkout times out');
    clock.set('2026-11-24T13:00:00Z'); // two hours with no sweep: both nudges and both tiers are overdue
    await h.app.sweep();
    const notes = botThread(card);
    expect(notes).toHaveLength(1);
    expect(notes[0]!.text).toContain(`While Frontline was down, ${key} missed its acknowledgement target`);
    expect(notes[0]!.text).toContain('Escalated to tier 2');
    expect(dmsAbout('U0LEAD', key)).toHaveLength(1);
    expect(dmsAbout('U0DIRECTOR', key)).toHaveLength(1);
    expect(dmsAbout('U0DIRECTOR', key)[0]!.text).toContain('(while Frontline was down)');
    await h.app.sweep();
    expect(botThread(card)).toHaveLength(1);
  });
});
