import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AGENTS, FRONTLINE_CHANNEL } from '../../src/sandbox/workspace.js';
import { startHarness, type Harness } from '../support/harness.js';
import { cardsIn, eventTypes, issueByKey, outboxRows, postedCard } from '../support/queries.js';

/** Nothing acknowledged to an agent is lost, whatever Slack answers. */
let h: Harness;
beforeAll(async () => { h = await startHarness({ persistent: true }); });
afterAll(async () => { await h?.stop(); });

const agentHears = (pattern: string) =>
  h.slack.waitFor(`agent told "${pattern}"`, () => h.slack.ephemeralsFor(AGENTS.phone).find((e) => e.text.includes(pattern)));

describe('when Slack refuses the card', () => {
  it.each([
    ['not_in_channel', 'praise easy Customer loves the new app', 'C0DELIGHT', 'Frontline is not a member of <#C0DELIGHT>. Ask someone there to `/invite @Frontline`.'],
    ['channel_not_found', 'legal easy Data deletion request under GDPR', 'C0LEGAL', 'the channel C0LEGAL does not exist, or is private and Frontline was never invited'],
    ['is_archived', 'delivery easy Parcel stuck in customs', 'C0DELIVERY', '<#C0DELIVERY> is archived'],
  ])('keeps the issue and tells the agent plainly (%s)', async (error, text, channel, explanation) => {
    if (error === 'not_in_channel') h.slack.channels.get(channel)!.members.delete(h.slack.botUserId);
    if (error === 'channel_not_found') h.slack.channels.delete(channel);
    if (error === 'is_archived') h.slack.channels.get(channel)!.archived = true;

    const reply = await h.driver.slash(AGENTS.phone, FRONTLINE_CHANNEL, text);
    const key = /ESC-\d+/.exec((reply.body as { text: string }).text)![0];
    const told = await agentHears(`${key}* is saved, but could not be posted`);
    expect(told.text).toContain(explanation);
    expect(told.text).toContain('Nothing is lost');

    const issue = await issueByKey(h, key);
    expect(issue).toMatchObject({ status: 'unclaimed', postError: error, cardTs: null });
    expect(await eventTypes(h, issue!.id)).toEqual(['filed', 'routed', 'post_failed']);
    expect(h.slack.callsTo('chat.postMessage').filter((c) => c.args.channel === channel)).toHaveLength(1);
  });
});

describe('when the team channel stops accepting Frontline later', () => {
  it('records it on the issue and tells the agent and the first escalation tier, once', async () => {
    const reply = await h.driver.slash(AGENTS.phone, FRONTLINE_CHANNEL, 'billing medium Invoice shows the wrong VAT');
    const key = /ESC-\d+/.exec((reply.body as { text: string }).text)![0];
    const card = await postedCard(h, 'C0BILLING', key);
    h.slack.channels.get('C0BILLING')!.archived = true;
    try {
      await failTwice(card, key);
    } finally {
      h.slack.channels.get('C0BILLING')!.archived = false;
    }
  });

  async function failTwice(card: Awaited<ReturnType<typeof postedCard>>, key: string) {
    await h.driver.click('U0ANNA', card, 'issue_claim');
    const told = (user: string) => h.slack.dmsTo(user).filter((m) => m.text.includes(`cannot post about *${key}*`));
    await h.slack.waitFor('tier 1 told', () => told('U0LEAD').length === 1);
    await h.slack.waitFor('agent told', () => told(AGENTS.phone).length === 1);
    expect(told('U0LEAD')[0]!.text).toContain('<#C0BILLING> is archived');
    expect(await issueByKey(h, key)).toMatchObject({ status: 'claimed', postError: 'is_archived' });

    // The card cannot change any more, but its Resolve button still works: more messages to the channel fail.
    await h.driver.click('U0ANNA', card, 'issue_resolve');
    await h.slack.waitFor('resolve form', () => h.slack.openViewOf('U0ANNA'));
    await h.driver.submit('U0ANNA', { note: 'Corrected invoice sent by email.' });
    await h.slack.waitFor('later failures recorded', async () => (await eventTypes(h, (await issueByKey(h, key))!.id)).filter((e) => e === 'delivery_failed').length >= 3);
    await h.app.flush();
    expect(told('U0LEAD')).toHaveLength(1);
    expect(told(AGENTS.phone)).toHaveLength(1);
    expect(h.slack.dmsTo(AGENTS.phone).some((m) => m.text.includes(`*${key}* is resolved`))).toBe(true);
  }
});

describe('when Slack is briefly unavailable', () => {
  it('waits out a rate limit (429 with Retry-After) and posts the card once', async () => {
    const earlier = h.slack.callsTo('chat.postMessage').length;
    h.slack.failNext('chat.postMessage', { status: 429, retryAfter: 1, channel: 'C0BILLING' });
    const started = Date.now();
    await h.driver.slash(AGENTS.phone, FRONTLINE_CHANNEL, 'billing easy Card declined twice');
    await h.slack.waitFor('card after the rate limit', () => cardsIn(h, 'C0BILLING').find((m) => m.text.includes('Card declined twice')), 5000);
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    const calls = h.slack.callsTo('chat.postMessage').slice(earlier).filter((c) => c.args.channel === 'C0BILLING');
    expect(calls.map((c) => c.status)).toEqual([429, 200]);
    expect(cardsIn(h, 'C0BILLING').filter((m) => m.text.includes('Card declined twice'))).toHaveLength(1);
    await agentHears('is posted');
  });

  it('delivers every card to a channel limited to 1 message a second, in order, none lost', async () => {
    h.slack.limitChannel('C0DELIGHT', 1);
    h.slack.channels.get('C0DELIGHT')!.members.add(h.slack.botUserId);
    const keys: string[] = [];
    for (let i = 1; i <= 5; i++) {
      const reply = await h.driver.slash(AGENTS.phone, FRONTLINE_CHANNEL, `praise easy Thank-you note ${i}`);
      keys.push(/ESC-\d+/.exec((reply.body as { text: string }).text)![0]);
    }
    const cards = await h.slack.waitFor('all five cards', () => {
      const posted = cardsIn(h, 'C0DELIGHT').filter((m) => m.text.includes('Thank-you note'));
      return posted.length === 5 && posted;
    }, 15_000);
    expect(cards.map((m) => /ESC-\d+/.exec(m.text)![0])).toEqual(keys);
    expect(h.slack.callsTo('chat.postMessage').some((c) => c.status === 429 && c.args.channel === 'C0DELIGHT')).toBe(true);
  }, 20_000);

  it('does not post twice when Slack posted but its answer was lost', async () => {
    const earlier = h.slack.callsTo('chat.postMessage').length;
    h.slack.failNext('chat.postMessage', { status: 500, channel: 'C0DELIVERY', afterApplying: true });
    h.slack.channels.get('C0DELIVERY')!.archived = false;
    const reply = await h.driver.slash(AGENTS.phone, FRONTLINE_CHANNEL, 'delivery easy Parcel returned to sender');
    const key = /ESC-\d+/.exec((reply.body as { text: string }).text)![0];
    const card = await postedCard(h, 'C0DELIVERY', key); // recorded once the retry found the first post
    expect(cardsIn(h, 'C0DELIVERY').filter((m) => m.text.startsWith(`${key} `))).toEqual([card]);
    expect(h.slack.callsTo('chat.postMessage').slice(earlier).filter((c) => c.args.channel === 'C0DELIVERY').map((c) => c.status)).toEqual([500]);
    expect(h.slack.callsTo('conversations.history').length).toBeGreaterThan(0);
  }, 10_000);

  it('retries a server error with backoff', async () => {
    h.slack.failNext('chat.postMessage', { status: 500, channel: 'C0CAMERA' });
    h.slack.failNext('chat.postMessage', { error: 'internal_error', channel: 'C0CAMERA' });
    await h.driver.slash(AGENTS.phone, FRONTLINE_CHANNEL, 'camera easy Shutter sticks');
    await h.slack.waitFor('card after two failures', () => cardsIn(h, 'C0CAMERA')[0], 8000);
    const statuses = h.slack.callsTo('chat.postMessage').filter((c) => c.args.channel === 'C0CAMERA').map((c) => c.error ?? 'ok');
    expect(statuses).toEqual(['internal_error', 'internal_error', 'ok']);
  });

  it('posts what was queued before the process stopped, after it starts again', async () => {
    h.slack.failNext('chat.postMessage', { status: 500, channel: 'C0APP', times: 1 });
    const reply = await h.driver.slash(AGENTS.phone, FRONTLINE_CHANNEL, 'app medium Sync fails after update');
    expect((reply.body as { text: string }).text).toContain('is filed');
    await h.slack.waitFor('the failed attempt', () => h.slack.callsTo('chat.postMessage').some((c) => c.args.channel === 'C0APP'));
    await h.restart();
    const card = await h.slack.waitFor('card after restart', () => cardsIn(h, 'C0APP')[0], 8000);
    expect(card.text).toContain('Sync fails after update');
    expect(cardsIn(h, 'C0APP')).toHaveLength(1);
    await h.app.flush();
    const rows = await outboxRows(h);
    expect(rows.filter((r) => r.kind === 'post_card').every((r) => r.status !== 'pending')).toBe(true);
  });

  it('tells the agent when Slack took too long to open the form', async () => {
    h.slack.failNext('views.open', { error: 'expired_trigger_id' });
    const reply = await h.driver.slash(AGENTS.social, FRONTLINE_CHANNEL, '');
    const told = await h.slack.waitFor('explanation', () => h.slack.answerTo(reply));
    expect(told.text).toBe(':hourglass: Slack took too long to open the form. Please run `/escalate` again.');
  });
});
