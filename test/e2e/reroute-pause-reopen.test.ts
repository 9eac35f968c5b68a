import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SandboxMessage } from '../../src/sandbox/slack-server.js';
import { AGENTS } from '../../src/sandbox/workspace.js';
import { testClock } from '../support/clock.js';
import { startHarness, type Harness } from '../support/harness.js';
import { answerToClick, cardsIn, eventTypes, fileQuick, issueByKey, askCustomer } from '../support/queries.js';

/**
 * The deadlines asserted here depend on the weekday and the hour (office
 * calendar, 7-day reopen window), so each describe has its own app and clock,
 * and a test that must move its clock past another test's times has an app of its own.
 */
type Clock = ReturnType<typeof testClock>;
function appAt(start: string): { clock: Clock; h: Harness } {
  const app = { clock: testClock(start) } as { clock: Clock; h: Harness };
  beforeAll(async () => { app.h = await startHarness({ now: app.clock.now }); });
  afterAll(async () => { await app.h?.stop(); });
  return app;
}
/** Runs `test` on an app of its own, started at `start`. */
async function onOwnApp(start: string, test: (h: Harness, clock: Clock) => Promise<void>) {
  const clock = testClock(start);
  const h = await startHarness({ now: clock.now });
  try { await test(h, clock); } finally { await h.stop(); }
}

/** Whether `text` names `key` (ESC-1, not ESC-12). */
const names = (text: string, key: string) => new RegExp(`${key}(?!\\d)`).test(text);

async function fileAndClaim(h: Harness, text: string, channel: string, expert: string): Promise<{ card: SandboxMessage; key: string }> {
  const { card, key } = await fileQuick(h, text, channel);
  await h.driver.click(expert, card, 'issue_claim');
  await h.slack.waitFor('claimed', () => card.history.length >= 1);
  return { card, key };
}
const threadOf = (h: Harness, card: SandboxMessage) => h.slack.messagesIn(card.channel, { threadTs: card.ts }).filter((m) => m.user === h.slack.botUserId);

describe('reroute', () => {
  const app = appAt('2026-11-23T10:00:00Z'); // Monday

  it('moves the issue to another team: new card, old card points to it, agent told, clocks as promised', async () => {
    const { h, clock } = app;
    const { card, key } = await fileAndClaim(h, 'billing medium Camera charged twice in the app store', 'C0BILLING', 'U0ANNA');
    const before = await issueByKey(h, key);

    expect(await answerToClick(h, 'U0CARL', card, 'issue_reroute')).toBe(`:no_entry: Only its claimer <@U0ANNA> or the team's owners (<@U0ANNA>, <@U0BEN>) may reroute ${key}.`);

    clock.set('2026-11-23T12:00:00Z');
    await h.driver.click('U0ANNA', card, 'issue_reroute');
    const form = await h.slack.waitFor('reroute form', () => h.slack.openViewOf('U0ANNA'));
    const teams = form.view.blocks.find((b: any) => b.block_id === 'team').element.options.map((o: any) => o.value);
    expect(teams).not.toContain('billing');
    expect(teams).toContain('app');
    const missing = await h.driver.submit('U0ANNA', { reason: 'App store purchases are handled by the app team' });
    expect(missing.body).toEqual({ response_action: 'errors', errors: { team: 'Choose the team to send it to (above).' } });
    await h.driver.submit('U0ANNA', { team: 'app', reason: 'App store purchases are handled by the app team' });

    const newCard = await h.slack.waitFor('new card in #app', () => cardsIn(h, 'C0APP').find((m) => m.text.startsWith(`${key} `)));
    await h.slack.waitFor('old card updated', () => card.text.includes('moved to'));
    expect(JSON.stringify(card.blocks)).toContain(`p${newCard.ts.replace('.', '')}`);
    expect(JSON.stringify(card.blocks)).toContain('*Rerouted* to <#C0APP> by <@U0ANNA>: App store purchases are handled by the app team.');
    expect(card.blocks!.some((b) => b.type === 'actions')).toBe(false);
    const told = await h.slack.waitFor('agent told', () => h.slack.dmsTo(AGENTS.phone).find((m) => m.text.includes(`${key}* was moved to <#C0APP>`)));
    expect(told.text).toContain('App store purchases');

    const after = await issueByKey(h, key);
    expect(after).toMatchObject({ team: 'app', channel: 'C0APP', cardTs: newCard.ts, status: 'unclaimed', claimerId: null, rerouteCount: 1 });
    expect(after!.snapshot.team.owners).toEqual(['U0ALMA', 'U0ARJUN']);
    expect(after!.ackDueAt.toISOString()).toBe('2026-11-23T13:00:00.000Z'); // restarts: 1h from the reroute
    expect(after!.resolveDueAt).toEqual(before!.resolveDueAt); // keeps counting from filing
    expect(await eventTypes(h, after!.id)).toEqual(['filed', 'routed', 'posted', 'claimed', 'rerouted', 'posted']);

    // The new team claims it from the new card; the old one no longer has buttons.
    await h.driver.click('U0ALMA', newCard, 'issue_claim');
    await h.slack.waitFor('claimed in #app', () => newCard.history.length === 1);
  });
});

describe('waiting on the customer', () => {
  // Tuesday 10:00. Only the first test moves this clock; the second does not depend on the time.
  const app = appAt('2026-11-24T10:00:00Z');

  it('pauses the resolution clock, asks the agent, and resumes when the agent replies in the thread', async () => {
    const { h, clock } = app;
    clock.set('2026-11-24T10:00:00Z'); // Tuesday
    const { card, key } = await fileAndClaim(h, 'delivery medium Wrong address on the label', 'C0DELIVERY', 'U0DEV');
    expect((await issueByKey(h, key))!.resolveDueAt.toISOString()).toBe('2026-11-25T10:00:00.000Z');

    expect(await answerToClick(h, 'U0CARL', card, 'issue_wait')).toBe(`:no_entry: Only its claimer <@U0DEV> or the team's owners (<@U0DEV>, <@U0DORA>) may mark as waiting on the customer ${key}.`);

    clock.set('2026-11-24T11:00:00Z');
    await h.driver.reply('U0DEV', card, 'waiting Which flat number is it?');
    await h.slack.waitFor('paused card', () => JSON.stringify(card.blocks).includes('Waiting on the customer'));
    expect(JSON.stringify(card.blocks)).toContain('*Resolve by*\\n_paused_');
    const asked = await h.slack.waitFor('agent asked', () => h.slack.dmsTo(AGENTS.phone).find((m) => m.text.includes(`needs the customer's answer on *${key}*`)));
    expect(asked.text).toContain('Which flat number is it?');
    expect((await issueByKey(h, key))!.resolveRemainingMs).toBe(7.5 * 3600_000); // 11:00-17:30 today, 09:00-10:00 tomorrow

    clock.set('2026-11-24T14:00:00Z'); // three hours later
    h.slack.channels.get('C0DELIVERY')!.members.add(AGENTS.phone); // agents may follow their cards in team channels
    await h.driver.reply(AGENTS.phone, card, 'Flat 4B, she says.');
    await h.slack.waitFor('resumed', async () => (await issueByKey(h, key))!.status === 'claimed');
    const issue = await issueByKey(h, key);
    expect(issue!.resolveDueAt.toISOString()).toBe('2026-11-25T13:00:00.000Z'); // the three paused hours do not count
    expect(issue!.pausedMs).toBe(3 * 3600_000);
    const note = await h.slack.waitFor('thread note', () => threadOf(h, card).find((m) => m.text.includes("passed on the customer's answer")));
    expect(note.text).toContain('Flat 4B');
  });

  it('resumes when the agent answers by DM with the issue key, or clicks Resume', async () => {
    const { h } = app;
    const { card, key } = await fileAndClaim(h, 'delivery easy Parcel held at depot', 'C0DELIVERY', 'U0DORA');
    // An empty question is refused on the form, and nothing pauses.
    expect((await askCustomer(h, 'U0DORA', card, '   ')).body).toEqual({ response_action: 'errors', errors: { reason: 'Write the question the agent should ask the customer.' } });
    expect((await issueByKey(h, key))!.status).toBe('claimed');
    const form = h.slack.openViewOf('U0DORA')!;
    expect((await h.driver.submit('U0DORA', { reason: 'When can they collect it?' }, { view: form })).body).toBe('');
    await h.slack.waitFor('waiting', async () => (await issueByKey(h, key))!.status === 'waiting');
    // The button asks what to ask, and the agent is asked exactly that.
    await h.slack.waitFor('the question reaches the agent', () => h.slack.dmsTo(AGENTS.phone).find((m) => names(m.text, key) && m.text.includes('When can they collect it?')));
    const dm = h.slack.dmChannelOf(AGENTS.phone);
    await h.driver.say(AGENTS.phone, dm, `Re ${key.toLowerCase()}: customer will collect on Friday`);
    await h.slack.waitFor('resumed by DM', async () => (await issueByKey(h, key))!.status === 'claimed');
    await h.slack.waitFor('card offers waiting again', () => JSON.stringify(card.blocks).includes('issue_wait'));

    await askCustomer(h, 'U0DORA', card, 'Is Friday still fine?');
    await h.slack.waitFor('waiting again', async () => (await issueByKey(h, key))!.status === 'waiting');
    const asked = await h.slack.waitFor('second request', () => h.slack.dmsTo(AGENTS.phone).filter((m) => names(m.text, key)).at(1));
    await h.driver.click(AGENTS.phone, asked, 'issue_resume');
    await h.slack.waitFor('resumed by button', async () => (await issueByKey(h, key))!.status === 'claimed');
    const id = (await issueByKey(h, key))!.id;
    // In the order they happened: a table scan's order is the heap's, which reuses space freed by rolled-back rows.
    const resumes = (await h.app.database.db.query.issueEvents.findMany({ where: (e, { eq }) => eq(e.type, 'resumed'), orderBy: (e, { asc }) => [asc(e.id)] }))
      .filter((e) => e.issueId === id)
      .map((e) => e.details.via);
    expect(resumes).toEqual(['agent_dm', 'button']);
  });
});

describe('reopen', () => {
  async function resolved(h: Harness, expert: string, text: string, channel: string) {
    const { card, key } = await fileAndClaim(h, text, channel, expert);
    await h.driver.click(expert, card, 'issue_resolve');
    await h.slack.waitFor('resolve form', () => h.slack.openViewOf(expert));
    await h.driver.submit(expert, { note: 'Reset the router and re-pair the camera.' });
    const dm = await h.slack.waitFor('resolution DM', () => h.slack.dmsTo(AGENTS.phone).find((m) => m.text.includes(`*${key}* is resolved`)));
    return { card, key, dm };
  }

  const app = appAt('2026-11-30T10:00:00Z'); // the Monday after

  it('lets the agent reopen to the same expert, with a reason, within 7 days', async () => {
    const { h, clock } = app;
    const { card, key, dm } = await resolved(h, 'U0ALMA', 'app easy Camera offline in the app', 'C0APP');
    expect(JSON.stringify(dm.blocks)).toContain('Customer still has the problem');

    clock.set('2026-12-02T10:00:00Z');
    await h.driver.click(AGENTS.phone, dm, 'issue_reopen');
    await h.slack.waitFor('reopen form', () => h.slack.openViewOf(AGENTS.phone));
    await h.driver.submit(AGENTS.phone, { reason: 'Still offline after re-pairing; the LED blinks red.' });
    await h.slack.waitFor('reopened', async () => (await issueByKey(h, key))!.status === 'claimed');
    const issue = await issueByKey(h, key);
    expect(issue).toMatchObject({ claimerId: 'U0ALMA', reopenCount: 1, resolvedAt: null, resolution: null });
    expect(issue!.resolveDueAt.toISOString()).toBe('2026-12-04T10:00:00.000Z'); // a fresh 2d target from the reopen
    await h.slack.waitFor('card says reopened', () => JSON.stringify(card.blocks).includes('reopened once'));
    const note = await h.slack.waitFor('thread note', () => threadOf(h, card).find((m) => m.text.includes('Reopened by')));
    expect(note.text).toContain('<@U0ALMA>');
    expect(note.text).toContain('the LED blinks red');
  });

  it('refuses anyone but the agent, and refuses after 7 days', async () => {
    // Moves the clock eight days on: an app of its own, so that the test above keeps its dates.
    await onOwnApp('2026-12-02T11:00:00Z', async (h, clock) => {
      const { key, dm } = await resolved(h, 'U0ARJUN', 'app easy Notifications arrive late', 'C0APP');
      expect(await answerToClick(h, 'U0ARJUN', dm, 'issue_reopen')).toBe(`:no_entry: Only the agent who escalated it (<@U0ALEX>) may reopen ${key}.`);
      clock.set('2026-12-10T10:00:00Z');
      expect(await answerToClick(h, AGENTS.phone, dm, 'issue_reopen')).toBe(`:no_entry: ${key} was resolved more than 7 days ago. Please escalate it again with /escalate.`);
      expect((await issueByKey(h, key))!.status).toBe('resolved');
    });
  });
});
