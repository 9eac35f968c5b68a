import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AGENTS } from '../../src/sandbox/workspace.js';
import { MINUTE, testClock } from '../support/clock.js';
import { startHarness, type Harness } from '../support/harness.js';
import { answerToClick, eventTypes, fileQuick, issueByKey, askCustomer } from '../support/queries.js';

/**
 * Each test files its own issues and finds them by the key the agent was given.
 * The tests share one app and one clock ("later" is `clock.advance`); the test
 * whose deadlines depend on the hour has an app of its own.
 */
let h: Harness;
const clock = testClock('2026-11-23T10:00:00Z');
beforeAll(async () => { h = await startHarness({ now: clock.now }); });
afterAll(async () => { await h?.stop(); });

/** Runs `test` on an app of its own, with a clock started at `start`. */
async function onOwnApp(start: string, test: (h: Harness, clock: ReturnType<typeof testClock>) => Promise<void>) {
  const ownClock = testClock(start);
  const own = await startHarness({ now: ownClock.now });
  try { await test(own, ownClock); } finally { await own.stop(); }
}

const events = async (app: Harness, key: string) => eventTypes(app, (await issueByKey(app, key))!.id);
const ephemeralsTo = (user: string) => h.slack.callsTo('chat.postEphemeral').filter((c) => c.args.user === user);
/** Whether `text` names `key` (ESC-1, not ESC-12). */
const names = (text: string, key: string) => new RegExp(`${key}(?!\\d)`).test(text);

describe('claiming where experts already are', () => {
  it('claims with a thread reply whose first word is claim, mine or taking', async () => {
    for (const word of ['Mine!', 'taking this one', 'CLAIM']) {
      const { card, key } = await fileQuick(h, `billing easy Reply claim ${word}`, 'C0BILLING');
      await h.driver.reply('U0BEN', card, word);
      await h.slack.waitFor(`${key} claimed`, () => card.history.length === 1);
      expect(await issueByKey(h, key)).toMatchObject({ status: 'claimed', claimerId: 'U0BEN' });
      expect(JSON.stringify(card.blocks)).toContain('*Claimed* by <@U0BEN>');
    }
  });

  it('claims with an :eyes: reaction on the card', async () => {
    const { card, key } = await fileQuick(h, 'billing easy Reaction claim', 'C0BILLING');
    await h.driver.react('U0ANNA', card, 'thumbsup');
    await h.driver.react('U0ANNA', card, 'eyes');
    await h.slack.waitFor('claimed', () => card.history.length === 1);
    expect(await issueByKey(h, key)).toMatchObject({ status: 'claimed', claimerId: 'U0ANNA' });
    expect((await events(h, key)).filter((e) => e === 'claimed')).toHaveLength(1);
  });

  it('explains a refused claim privately, in the thread', async () => {
    const { card, key } = await fileQuick(h, 'billing easy Refused reply claim', 'C0BILLING');
    const earlier = ephemeralsTo('U0CARL').length; // other tests may have told him things before
    h.slack.channels.get('C0BILLING')!.members.add('U0CARL'); // he can only reply where he is a member
    await h.driver.reply('U0CARL', card, 'claim');
    await h.driver.react('U0CARL', card, 'eyes');
    await h.slack.waitFor('two refusals', () => ephemeralsTo('U0CARL').slice(earlier).length === 2);
    // The two events are handled concurrently: tell the answers apart by where they went.
    const byReply = ephemeralsTo('U0CARL').slice(earlier).find((c) => c.args.thread_ts);
    const byReaction = ephemeralsTo('U0CARL').slice(earlier).find((c) => !c.args.thread_ts);
    expect(byReply!.args).toMatchObject({ channel: 'C0BILLING', thread_ts: card.ts, text: `:no_entry: Only the team's owners (<@U0ANNA>, <@U0BEN>) may claim ${key}.` });
    expect(byReaction!.args.text).toBe(byReply!.args.text);
    expect((await issueByKey(h, key))!.status).toBe('unclaimed');
  });

  it('records an owner\'s other reply as the first response, without claiming', async () => {
    const { card, key } = await fileQuick(h, 'billing easy First response', 'C0BILLING');
    h.slack.channels.get('C0BILLING')!.members.add('U0CARL'); // he can only reply where he is a member
    const respondedAt = clock.advance(5 * MINUTE);
    await h.driver.reply('U0ANNA', card, 'Looking at the ledger now, will claim if it is ours');
    await h.driver.reply('U0BEN', card, 'Same here');
    await h.driver.reply('U0CARL', card, 'Not my team, but interesting');
    await h.slack.waitFor('first response', async () => (await events(h, key)).includes('first_response'));
    const issue = await issueByKey(h, key);
    expect(issue).toMatchObject({ status: 'unclaimed', claimerId: null });
    expect(issue!.firstResponseAt!.toISOString()).toBe(respondedAt.toISOString());
    expect((await events(h, key)).filter((e) => e === 'first_response')).toHaveLength(1);
  });

  it('hands an issue back with unclaim, restarting its acknowledgement clock', async () => {
    // The new deadline is one office hour on: a Monday morning of its own.
    await onOwnApp('2026-11-23T10:10:00Z', async (h, clock) => {
      const { card, key } = await fileQuick(h, 'billing medium Unclaim me', 'C0BILLING');
      await h.driver.click('U0ANNA', card, 'issue_claim');
      await h.slack.waitFor('claimed', () => card.history.length === 1);
      clock.set('2026-11-23T13:00:00Z');
      await h.driver.reply('U0ANNA', card, 'unclaim');
      await h.slack.waitFor('unclaimed', () => card.history.length === 2);
      const issue = await issueByKey(h, key);
      expect(issue).toMatchObject({ status: 'unclaimed', claimerId: null, claimedAt: null });
      expect(issue!.ackStartedAt.toISOString()).toBe('2026-11-23T13:00:00.000Z');
      expect(issue!.ackDueAt.toISOString()).toBe('2026-11-23T14:00:00.000Z');
      const note = await h.slack.waitFor('thread note', () => h.slack.messagesIn('C0BILLING', { threadTs: card.ts }).find((m) => m.user === h.slack.botUserId && m.text.includes('handed')));
      expect(note.text).toContain(`<@U0ANNA> handed ${key} back to the queue. Acknowledge by <!date^`);
      // Claim again with the button, then unclaim with the button.
      await h.driver.click('U0BEN', card, 'issue_claim');
      await h.slack.waitFor('claimed again', () => card.history.length === 3);
      await h.driver.click('U0BEN', card, 'issue_unclaim');
      await h.slack.waitFor('unclaimed again', () => card.history.length === 4);
      expect(await events(h, key)).toEqual(['filed', 'routed', 'posted', 'claimed', 'unclaimed', 'claimed', 'unclaimed']);
    });
  });

  it('changes nothing twice when Slack retries an event', async () => {
    const { card, key } = await fileQuick(h, 'billing easy Retried event', 'C0BILLING');
    const earlier = ephemeralsTo('U0ANNA').length; // other tests may have told her things before
    await h.driver.click('U0ANNA', card, 'issue_claim');
    await h.slack.waitFor('claimed', () => card.history.length === 1);
    const ts = h.slack.postAsUser('U0ANNA', card.channel, 'waiting Can you ask for the last 4 digits of the card?', card.ts);
    const event = { type: 'message', channel: card.channel, user: 'U0ANNA', text: 'waiting Can you ask for the last 4 digits of the card?', ts, thread_ts: card.ts, channel_type: 'channel', event_ts: ts };
    const first = await h.driver.event(event, { eventId: 'Ev0WAITING' });
    const retry = await h.driver.event(event, { eventId: 'Ev0WAITING', retryNum: 1, retryReason: 'http_timeout' });
    expect([first.status, retry.status]).toEqual([200, 200]);
    await h.slack.waitFor('agent asked', () => h.slack.dmsTo(AGENTS.phone).find((m) => names(m.text, key)));
    await h.app.flush();
    expect((await events(h, key)).filter((e) => e === 'paused')).toHaveLength(1);
    expect(h.slack.dmsTo(AGENTS.phone).filter((m) => names(m.text, key))).toHaveLength(1);
    expect(ephemeralsTo('U0ANNA').slice(earlier)).toHaveLength(0);
  });
});

describe('refusals through Slack', () => {
  it('refuses unclaim and resume to people who may not, in the thread and on the buttons', async () => {
    const { card, key } = await fileQuick(h, 'billing easy Not yours to touch', 'C0BILLING');
    await h.driver.click('U0ANNA', card, 'issue_claim');
    await h.slack.waitFor('claimed', () => card.history.length === 1);
    const earlier = ephemeralsTo('U0CLEO').length; // other tests may have told her things before
    h.slack.channels.get('C0BILLING')!.members.add('U0CLEO');
    await h.driver.reply('U0CLEO', card, 'unclaim');
    await h.slack.waitFor('unclaim refused', () => ephemeralsTo('U0CLEO').slice(earlier).length === 1);
    expect(ephemeralsTo('U0CLEO').slice(earlier)[0]!.args.text).toBe(`:no_entry: Only its claimer <@U0ANNA> or the team's owners (<@U0ANNA>, <@U0BEN>) may unclaim ${key}.`);

    await askCustomer(h, 'U0ANNA', card);
    await h.slack.waitFor('waiting', async () => (await issueByKey(h, key))!.status === 'waiting');
    await h.slack.waitFor('card shows Resume', () => JSON.stringify(card.blocks).includes('issue_resume'));
    expect(await answerToClick(h, 'U0CLEO', card, 'issue_resume')).toBe(`:no_entry: Only its claimer <@U0ANNA>, the team's owners (<@U0ANNA>, <@U0BEN>) or the agent who escalated it (<@U0ALEX>) may resume ${key}.`);
    expect((await issueByKey(h, key))!.status).toBe('waiting');
  });
});

describe('two claimers at once', () => {
  it('lets exactly one win, and tells the other who did', async () => {
    const { card, key } = await fileQuick(h, 'billing hard Race for it', 'C0BILLING');
    const [a, b] = await Promise.all([h.driver.click('U0ANNA', card, 'issue_claim'), h.driver.click('U0BEN', card, 'issue_claim')]);
    expect([a.status, b.status]).toEqual([200, 200]);
    const loser = await h.slack.waitFor('one refusal', () => h.slack.ephemerals.find((e) => e.text.includes(`${key} is already claimed by`)));
    const issue = await issueByKey(h, key);
    expect(loser.user).not.toBe(issue!.claimerId);
    expect(loser.text).toBe(`:no_entry: ${key} is already claimed by <@${issue!.claimerId}>.`);
    expect((await events(h, key)).filter((e) => e === 'claimed')).toHaveLength(1);
  });
});
