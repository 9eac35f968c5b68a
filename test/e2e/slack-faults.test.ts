import { afterEach, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { ERASED, forgetCustomer } from '../../src/db/customer-data.js';
import { outbox } from '../../src/db/schema.js';
import { AGENTS } from '../../src/sandbox/workspace.js';
import { HOUR, MINUTE, testClock } from '../support/clock.js';
import { startHarness, type Harness } from '../support/harness.js';
import { cardsIn, clickWhenShown, fileQuick, issueByKey, keyOf, outboxRows, postedCard } from '../support/queries.js';

/**
 * Slack misbehaving, injected in the sandbox: a call that never answers, a
 * storm of rate limits, refused DMs, an archived channel, a message that can
 * never be sent, and a day of server errors. Nothing is lost without a person
 * being told, and no channel waits on another.
 */

let h: Harness | undefined;
afterEach(async () => {
  await h?.stop();
  h = undefined;
});

/** A harness whose Slack calls give up after 2 seconds (not 10), so a hung call costs the test little. */
async function harness(now?: () => Date): Promise<Harness> {
  h = await startHarness({ now, env: { SLACK_TIMEOUT_MS: '2000' } });
  return h;
}

const threadOf = (h: Harness, channel: string, ts: string) => h.slack.messagesIn(channel, { threadTs: ts }).filter((m) => m.user === h.slack.botUserId);
const outboxByKind = async (h: Harness, kind: string) => (await h.app.database.db.select().from(outbox).orderBy(outbox.id)).filter((r) => r.kind === kind);

async function resolveBy(h: Harness, card: Parameters<typeof clickWhenShown>[2], user: string, note: string) {
  await clickWhenShown(h, user, card, 'issue_resolve');
  await h.slack.waitFor('resolve form', () => h.slack.openViewOf(user));
  await h.driver.submit(user, { note });
}

describe('a Slack call that never answers', () => {
  it('holds up only its own channel, and is sent once when Slack answers again', async () => {
    const h = await harness();
    h.slack.hangNext('chat.postMessage', { channel: 'C0BILLING' });
    const billing = await h.driver.slash(AGENTS.phone, 'C0FRONTLINE', 'billing easy Card declined at checkout');
    const billingKey = /ESC-\d+/.exec((billing.body as { text: string }).text)![0];
    await h.slack.waitFor('the hung call', () => h.slack.calls.some((c) => c.error === 'no_answer'));

    // Another channel goes on while #billing's call hangs.
    const { key: deliveryKey } = await fileQuick(h, 'delivery easy Parcel lost', 'C0DELIVERY');
    expect((await issueByKey(h, deliveryKey))!.cardTs).not.toBeNull();

    // After the client's timeout, the card is retried: it looks first (the hung call may have posted), then posts once.
    const card = await postedCard(h, 'C0BILLING', billingKey);
    await h.app.flush();
    expect(h.slack.messagesIn('C0BILLING').filter((m) => m.text.startsWith(`${billingKey} `))).toEqual([card]);
    expect(h.slack.callsTo('conversations.history').some((c) => c.args.channel === 'C0BILLING')).toBe(true);
    // The client's own deadline is told apart from a network failure.
    const billingIssue = (await issueByKey(h, billingKey))!;
    expect((await outboxRows(h)).find((r) => r.kind === 'post_card' && r.issueId === billingIssue.id)).toMatchObject({ status: 'sent', failures: 1, lastError: 'timeout' });
  });

  it('does not hold up the clock: reminders and escalations go out while a channel hangs', async () => {
    const clock = testClock('2026-11-23T10:00:00Z');
    const h = await harness(clock.now);
    const { card, key } = await fileQuick(h, 'billing hard Charged three times', 'C0BILLING');
    // Every post to the agent's DMs hangs from now on; the clock's thread notes and tier DMs do not depend on them.
    h.slack.hangNext('chat.postMessage', { channel: 'D0ALEX', times: 50 });
    clock.advance(20 * MINUTE); // past the 15-minute acknowledgement target: tier 1 (U0LEAD)
    await h.app.sweep();
    await h.slack.waitFor('tier 1 told', () => h.slack.dmsTo('U0LEAD').find((m) => m.text.includes(key)));
    expect(threadOf(h, 'C0BILLING', card.ts).some((m) => m.text.includes('missed its acknowledgement target'))).toBe(true);
  });
});

describe('a sent message whose result the database fails to record', () => {
  it('is retried after a backoff without posting twice, and what needs it waits for it', async () => {
    const h = await harness();
    // The database refuses the first write of a card's ts (a sequence, so the refusal survives the rollback).
    for (const statement of [
      'create sequence card_write_failures',
      `create function refuse_first_card() returns trigger language plpgsql as $$
        begin
          if new.card_ts is not null and nextval('card_write_failures') = 1 then raise exception 'injected: disk full'; end if;
          return new;
        end $$`,
      'create trigger refuse_first_card before update on issues for each row execute function refuse_first_card()',
    ]) await h.app.database.db.execute(sql.raw(statement));

    const reply = await h.driver.slash(AGENTS.phone, 'C0FRONTLINE', 'billing easy Refund went to a closed account');
    const key = /ESC-\d+/.exec((reply.body as { text: string }).text)![0];
    const card = await postedCard(h, 'C0BILLING', key);
    await h.app.flush();

    // Posted once: the retry looked in the channel first and recorded the card it found.
    expect(h.slack.messagesIn('C0BILLING').filter((m) => m.text.startsWith(`${key} `))).toEqual([card]);
    expect(h.slack.callsTo('conversations.history').some((c) => c.args.channel === 'C0BILLING')).toBe(true);
    const [row] = await outboxByKind(h, 'post_card');
    expect(row).toMatchObject({ status: 'sent', failures: 1, lastError: 'not_recorded' });
    // The confirmation that needed the card's link reached the agent.
    await h.slack.waitFor('the agent\'s confirmation', () => h.slack.ephemeralsFor(AGENTS.phone).some((e) => e.text.includes(`${key}* is posted`)));
  });
});

describe('rate limits', () => {
  it('waits out 30 rate limits in a row without counting them as failures, and posts the card', async () => {
    const clock = testClock('2026-11-23T10:00:00Z');
    const h = await harness(clock.now);
    h.slack.failNext('chat.postMessage', { status: 429, retryAfter: 1, channel: 'C0BILLING', times: 30 });
    const reply = await h.driver.slash(AGENTS.phone, 'C0FRONTLINE', 'billing easy Thirty rate limits');
    const key = /ESC-\d+/.exec((reply.body as { text: string }).text)![0];
    for (let i = 0; i < 40 && !(await issueByKey(h, key))!.cardTs; i++) {
      clock.advance(1_100);
      await h.app.flush();
    }
    await postedCard(h, 'C0BILLING', key);
    const [post] = await outboxByKind(h, 'post_card');
    // 31 calls; a rate-limited call certainly posted nothing, so none counts as an attempt and none is looked for.
    expect(post).toMatchObject({ status: 'sent', failures: 0, attempts: 1 });
    expect(h.slack.callsTo('chat.postMessage').filter((c) => c.args.channel === 'C0BILLING')).toHaveLength(31);
    expect(h.slack.callsTo('conversations.history')).toEqual([]);
  });
});

describe("a channel's messages taken together", () => {
  it('hands back those a rate limit kept from going, uncounted, so none is looked for before posting', async () => {
    const clock = testClock('2026-11-23T10:00:00Z');
    const h = await harness(clock.now);
    // The first card is refused now, and again when it is retried with the two filed meanwhile behind it.
    h.slack.failNext('chat.postMessage', { status: 429, retryAfter: 1, channel: 'C0BILLING', times: 2 });
    const keys = [keyOf(await h.driver.slash(AGENTS.phone, 'C0FRONTLINE', 'billing easy First behind a rate limit'))];
    await h.app.flush();
    for (const summary of ['Second behind a rate limit', 'Third behind a rate limit']) {
      keys.push(keyOf(await h.driver.slash(AGENTS.phone, 'C0FRONTLINE', `billing easy ${summary}`)));
    }
    clock.advance(1_100);
    await h.app.flush();
    expect(h.slack.callsTo('chat.postMessage').filter((c) => c.args.channel === 'C0BILLING')).toHaveLength(2);
    // The lane took all three cards at once; the two behind the refused one were handed back as never attempted.
    expect((await outboxByKind(h, 'post_card')).map((r) => [r.status, r.attempts])).toEqual([['pending', 0], ['pending', 0], ['pending', 0]]);

    clock.advance(1_100);
    await h.app.flush();
    expect(cardsIn(h, 'C0BILLING').map((m) => /^ESC-\d+/.exec(m.text)![0])).toEqual(keys);
    expect((await outboxByKind(h, 'post_card')).map((r) => [r.status, r.attempts])).toEqual([['sent', 1], ['sent', 1], ['sent', 1]]);
    expect(h.slack.callsTo('conversations.history')).toEqual([]);
  });

  it('takes a batch again once it is a second old, so an issue erased behind a slow send is posted erased', async () => {
    const clock = testClock('2026-11-23T10:00:00Z');
    const h = await harness(clock.now);
    // The first card is refused for a second: the second card queues behind it, and the lane takes both at once.
    h.slack.failNext('chat.postMessage', { status: 429, retryAfter: 1, channel: 'C0BILLING', times: 1 });
    keyOf(await h.driver.slash(AGENTS.phone, 'C0FRONTLINE', 'billing easy First card'));
    await h.app.flush();
    const second = keyOf(await h.driver.slash(AGENTS.phone, 'C0FRONTLINE', 'billing easy Jane Roe, card ending 4242'));
    const slow = h.slack.holdNext('chat.postMessage', { channel: 'C0BILLING' });
    clock.advance(1_100);
    const flushed = h.app.flush();
    await slow.arrived;
    // While Slack takes two seconds over the first card, the customer asks to be forgotten.
    clock.advance(2_000);
    expect(await forgetCustomer(h.app.database.db, { issueKey: second }, clock.now())).toEqual([second]);
    slow.release();
    await flushed;

    // As first posted, not only as rewritten by the erasure's card update behind it.
    const posts = h.slack.callsTo('chat.postMessage').filter((c) => c.ok && String(c.args.text).startsWith(`${second} `));
    expect(posts).toHaveLength(1);
    expect(JSON.stringify(posts[0]!.args)).not.toContain('Jane Roe');
    expect(posts[0]!.args.text).toContain(ERASED);
    expect((await outboxByKind(h, 'post_card')).map((r) => [r.status, r.attempts])).toEqual([['sent', 1], ['sent', 1]]);
  });

  it("posts an issue's thread notes under its card when the card goes out in the same batch", async () => {
    const clock = testClock('2026-11-23T10:00:00Z');
    const h = await harness(clock.now);
    // The card waits out an hour-long rate limit, while the clock queues its thread notes behind it.
    h.slack.failNext('chat.postMessage', { status: 429, retryAfter: 3600, channel: 'C0BILLING', times: 1 });
    const key = keyOf(await h.driver.slash(AGENTS.phone, 'C0FRONTLINE', 'billing hard Charged for a plan never ordered'));
    await h.app.flush();
    clock.advance(20 * MINUTE); // past the acknowledgement target: a tier fires, with a note in the card's thread
    await h.app.sweep();
    const notes = (await outboxByKind(h, 'thread_note')).length;
    expect(notes).toBeGreaterThan(0);

    clock.advance(HOUR);
    await h.app.flush();
    const card = await postedCard(h, 'C0BILLING', key);
    await h.app.flush();
    // Every note sent is in the thread: none was skipped for want of a card that its batch had just posted.
    const sent = (await outboxByKind(h, 'thread_note')).filter((r) => r.status === 'sent');
    expect(sent.length).toBeGreaterThanOrEqual(notes);
    expect(threadOf(h, 'C0BILLING', card.ts)).toHaveLength(sent.length);
  });
});

describe('a customer forgotten while Slack is slow', () => {
  it('erases a card that was on its way to Slack when the customer asked to be forgotten', async () => {
    const h = await harness();
    const slow = h.slack.holdNext('chat.postMessage', { channel: 'C0BILLING' });
    const key = keyOf(await h.driver.slash(AGENTS.phone, 'C0FRONTLINE', 'billing easy Jane Roe, card ending 4242'));
    await slow.arrived; // the card is rendered and sent; Slack has not answered, so its ts is not recorded
    await forgetCustomer(h.app.database.db, { issueKey: key }, new Date());
    slow.release();

    const card = await postedCard(h, 'C0BILLING', key);
    await h.slack.waitFor('card rendered again, erased', () => card.text.includes(ERASED) && !JSON.stringify(card.blocks).includes('Jane Roe'));
  });
});

describe('messages Slack refuses for good', () => {
  it("reports a refused resolution DM in the card's thread, with the note to pass on", async () => {
    const h = await harness();
    const { card, key } = await fileQuick(h, 'billing easy Refund question', 'C0BILLING');
    await clickWhenShown(h, 'U0ANNA', card, 'issue_claim');
    h.slack.failNext('conversations.open', { error: 'user_disabled', channel: AGENTS.phone });
    await resolveBy(h, card, 'U0ANNA', 'Refund of 12 EUR sent on Monday.');

    const notice = await h.slack.waitFor('notice in the thread', () => threadOf(h, 'C0BILLING', card.ts).find((m) => m.text.includes('could not deliver')));
    expect(notice.text).toContain(`<@U0ANNA> Frontline could not deliver the resolution of *${key}* to <@${AGENTS.phone}>`);
    expect(notice.text).toContain('Slack will not deliver DMs to that account');
    expect(notice.text).toContain('>Refund of 12 EUR sent on Monday.');
    const [dm] = await outboxByKind(h, 'agent_resolved');
    expect(dm).toMatchObject({ status: 'failed', lastError: 'user_disabled' });
    const metrics = await (await fetch(`http://127.0.0.1:${h.app.port}/metrics`)).text();
    expect(metrics).toContain('frontline_outbox_failed{kind="agent_resolved"} 1');
  });

  it("reports a refused escalation DM in the card's thread", async () => {
    const clock = testClock('2026-11-23T10:00:00Z');
    const h = await harness(clock.now);
    const { card, key } = await fileQuick(h, 'billing hard Nobody picks this up', 'C0BILLING');
    h.slack.failNext('conversations.open', { error: 'user_disabled', channel: 'U0LEAD' });
    clock.advance(16 * MINUTE);
    await h.app.sweep();
    const notice = await h.slack.waitFor('notice', () => threadOf(h, 'C0BILLING', card.ts).find((m) => m.text.includes('could not deliver')));
    expect(notice.text).toContain(`Frontline could not deliver the escalation about *${key}* to <@U0LEAD>`);
  });

  it("reports an archived cc channel in the card's thread", async () => {
    const h = await harness();
    h.slack.channels.get('C0SOCIAL')!.archived = true;
    const { card, key } = await fileQuick(h, 'billing easy via:twitter Refund shouted about', 'C0BILLING');
    const notice = await h.slack.waitFor('notice', () => threadOf(h, 'C0BILLING', card.ts).find((m) => m.text.includes('could not deliver')));
    expect(notice.text).toContain(`Frontline could not deliver the FYI about *${key}* to <#C0SOCIAL>: the channel is archived.`);
    expect(notice.text).toContain("<@U0ANNA> <@U0BEN>"); // unclaimed: the owners are mentioned
  });
});

describe('a message that can never be sent', () => {
  it('is given up on at once and reported, and the messages behind it in its channel go on', async () => {
    const h = await harness();
    const { card, key } = await fileQuick(h, 'billing easy Broken note ahead', 'C0BILLING');
    const issue = await issueByKey(h, key);
    // A row written by an older version, which this one cannot read: it heads the channel's lane.
    await h.app.database.db.execute(sql`insert into outbox (issue_id, kind, payload, lane, available_at, created_at)
      values (${issue!.id}, 'thread_note', '{"note":"from the future"}'::jsonb, 'C0BILLING', now(), now())`);
    await h.app.database.db.execute(sql`update outbox_lanes set available_at = now() where lane = 'C0BILLING'`);
    await clickWhenShown(h, 'U0ANNA', card, 'issue_claim');
    await h.slack.waitFor('card updated behind it', () => JSON.stringify(card.blocks).includes('*Claimed* by <@U0ANNA>'));
    const [broken] = (await outboxByKind(h, 'thread_note')).filter((r) => r.status === 'failed');
    expect(broken).toMatchObject({ lastError: 'unsendable_message' });
    // The team channel works; the first tier hears of the message that does not.
    const told = await h.slack.waitFor('first tier told', () => h.slack.dmsTo('U0LEAD').find((m) => m.text.includes('could not deliver')));
    expect(told.text).toContain(`a note in the thread of *${key}*`);
  });
});

describe('a day of server errors', () => {
  it('retries for 24 hours, then gives up and tells the first tier', async () => {
    const clock = testClock('2026-11-23T10:00:00Z');
    const h = await harness(clock.now);
    h.slack.failNext('chat.postMessage', { status: 500, channel: 'C0DELIVERY', times: 1000 });
    const reply = await h.driver.slash(AGENTS.phone, 'C0FRONTLINE', 'delivery easy Depot closed');
    const key = /ESC-\d+/.exec((reply.body as { text: string }).text)![0];
    await h.slack.waitFor('first failure', () => h.slack.callsTo('chat.postMessage').some((c) => c.args.channel === 'C0DELIVERY'));
    await h.app.flush();
    clock.advance(23 * HOUR); // still within the day: retried, not given up
    await h.app.flush();
    expect((await outboxByKind(h, 'post_card'))[0]).toMatchObject({ status: 'pending', lastError: 'http_500' });

    clock.advance(2 * HOUR);
    await h.app.flush();
    expect((await outboxByKind(h, 'post_card'))[0]).toMatchObject({ status: 'failed', lastError: 'http_500' });
    // Delivery's first escalation tier is told the card never made it.
    const lead = h.matrix.teams.delivery!.escalation.ack[0]?.notify[0] ?? h.matrix.teams.delivery!.owners[0]!;
    const told = await h.slack.waitFor('told', () => h.slack.dmsTo(lead).find((m) => m.text.includes('could not deliver')));
    expect(told.text).toContain(`Frontline could not deliver the card of *${key}* to <#C0DELIVERY>`);
  });
});
