import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SandboxMessage } from '../../src/sandbox/slack-server.js';
import { FRONTLINE_CHANNEL } from '../../src/sandbox/workspace.js';
import { MINUTE, testClock } from '../support/clock.js';
import { startHarness, type Harness } from '../support/harness.js';
import { cardsIn, eventTypes, issueByKey, postedCard } from '../support/queries.js';

/**
 * Swarms, through the sandbox: many agents escalate one outage; the `app` team
 * of routing.example.yml detects swarms (link at 0.5, outage at 5 reports in 15
 * minutes, notices in C0OUTAGES). Each test uses its own words, so that its
 * escalations match only each other.
 */
let h: Harness;
const clock = testClock('2026-11-23T10:00:00Z');
beforeAll(async () => {
  h = await startHarness({ now: clock.now });
  for (let i = 1; i <= 12; i++) h.slack.addUser(agent(i), `agent${i}`);
  // An outage's notes exceed Slack's burst allowance in #app; a retry waits on the test clock, which stands still here.
  h.slack.limitChannel('C0APP', 100, 100);
});
afterAll(async () => { await h?.stop(); });

const agent = (i: number) => `U0AG${String(i).padStart(2, '0')}`;
const text = (m: SandboxMessage) => `${m.text} ${JSON.stringify(m.blocks ?? [])}`;
const ORIGINS = ['phone', 'email', 'chat', 'twitter'];

/** Files with the quick form; returns the key the agent was given and the ack's text. */
async function escalate(user: string, line: string) {
  const reply = await h.driver.slash(user, FRONTLINE_CHANNEL, line);
  const answer = (reply.body as { text?: string }).text ?? '';
  const key = /ESC-\d+/.exec(answer)?.[0];
  if (!key) throw new Error(`not filed: ${JSON.stringify(reply.body)}`);
  return { key, answer };
}

async function resolveCard(user: string, card: SandboxMessage, note: string) {
  await h.driver.click(user, card, 'issue_resolve');
  const view = await h.slack.waitFor('resolve form', () => h.slack.openViewOf(user));
  expect((await h.driver.submit(user, { note }, { view })).body).toBe('');
}

describe('swarms', () => {
  it('10 agents report one outage in 3 minutes from 4 origins: one card, one outage alert, and every agent hears the resolution once', async () => {
    const wordings = [
      'App login fails with error 503', 'app login failing, error 503', 'Login to the app fails: error 503', 'APP LOGIN FAILS ERROR 503!!',
      'app login fails error 503 since this morning', 'Customer says app login fails with 503 error', 'app log in fails with error 503',
      'App login fails - error 503', 'app login keeps failing with error 503', 'Error 503 when app login',
    ];
    const filed: Array<{ key: string; answer: string }> = [];
    for (const [i, wording] of wordings.entries()) {
      filed.push(await escalate(agent(i + 1), `app medium via:${ORIGINS[i % 4]} ${wording}`));
      clock.advance(18_000);
    }
    const parentKey = filed[0]!.key;
    for (const { answer } of filed.slice(1)) expect(answer).toContain(`report of *${parentKey}*`);

    const card = await postedCard(h, 'C0APP', parentKey);
    await h.app.flush();
    expect(cardsIn(h, 'C0APP').filter((m) => text(m).includes('error 503') || text(m).includes('ERROR 503'))).toHaveLength(1);
    expect(text(card)).toContain('10 customers · 10 agents · via email 3, phone 3, chat 2, twitter 2');
    expect(text(card)).toContain('Probable outage');

    // Each report is a note in the parent's thread, and each agent got the parent's key with an undo.
    const notes = h.slack.messagesIn('C0APP', { threadTs: card.ts });
    expect(notes.filter((m) => m.text.startsWith(':heavy_plus_sign:'))).toHaveLength(9);
    for (const [i] of filed.slice(1).entries()) {
      const told = h.slack.ephemeralsFor(agent(i + 2)).find((e) => e.text.includes(`*${parentKey}*`) && JSON.stringify(e.blocks ?? []).includes('issue_undo_link'));
      expect(told, `agent ${i + 2} told`).toBeDefined();
    }

    // The threshold fired once: raised to the most urgent level, tier 1 told once, one notice in the outage channel.
    const parent = (await issueByKey(h, parentKey))!;
    expect(parent).toMatchObject({ level: 'hard', reportCount: 9 });
    expect(parent.outageAt).not.toBeNull();
    expect((await eventTypes(h, parent.id)).filter((t) => t === 'outage')).toHaveLength(1);
    expect(h.slack.dmsTo('U0APPLEAD').filter((m) => m.text.includes('Probable outage') && m.text.includes(parentKey))).toHaveLength(1);
    expect(h.slack.messagesIn('C0OUTAGES').filter((m) => m.text.includes(parentKey))).toHaveLength(1);

    // One resolution reaches every agent, each exactly once, with the reopen button for their own escalation.
    await h.driver.click('U0ALMA', card, 'issue_claim');
    await h.slack.waitFor('claimed', async () => (await issueByKey(h, parentKey))!.status === 'claimed');
    clock.advance(20 * MINUTE);
    await resolveCard('U0ALMA', card, 'Login is restored; ask them to restart the app.');
    await h.app.flush();
    for (const [i, { key }] of filed.entries()) {
      const dms = h.slack.dmsTo(agent(i + 1)).filter((m) => m.text.includes('is resolved'));
      expect(dms, `resolution DMs to agent ${i + 1}`).toHaveLength(1);
      expect(dms[0]!.text).toContain(`*${key}*`);
      expect(dms[0]!.text).toContain('Login is restored');
      const report = (await issueByKey(h, key))!;
      expect(report.status).toBe('resolved');
    }
    // Each customer counts once in the figures: one acknowledgement and one resolution per report.
    const report = (await issueByKey(h, filed[4]!.key))!;
    expect(await eventTypes(h, report.id)).toEqual(['filed', 'routed', 'linked', 'claimed', 'resolved']);

    // A report shows the parent it follows; the digest counts the swarm, and every customer once per origin.
    const shown = await h.driver.slash(agent(5), FRONTLINE_CHANNEL, `show ${filed[4]!.key}`);
    const timeline = await h.slack.waitFor('timeline', () => h.slack.answerTo(shown));
    expect(JSON.stringify(timeline.blocks)).toContain('A report of <');
    expect(JSON.stringify(timeline.blocks)).toContain(parentKey);
    expect(JSON.stringify(timeline.blocks)).toContain(`became a report of ${parentKey} (matched at filing)`);
    const asked = await h.driver.slash('U0MANAGER', FRONTLINE_CHANNEL, 'digest');
    const digest = JSON.stringify((await h.slack.waitFor('digest', () => h.slack.answerTo(asked))).blocks);
    expect(digest).toContain('*1* swarm gathered *9* more reports (at most 9 to one issue) · resolved 1, median 23 min');
    // The expert's work is one claim and one resolution, not ten.
    expect(digest).toContain('Most claimed: <@U0ALMA> (1)');
    expect(digest).toMatch(/\*twitter\*: acknowledge [^(]*\(2\) · resolve [^(]*\(2\)/);
    expect(digest).toMatch(/\*phone\*: acknowledge [^(]*\(3\) · resolve [^(]*\(3\)/);
    const metrics = await (await fetch(`http://127.0.0.1:${h.app.port}/metrics`)).text();
    expect(metrics).toContain('frontline_open_swarms{count="swarms"} 0');
  });

  it('keeps two different problems of one category apart', async () => {
    const login = await escalate(agent(11), 'app medium Vault sync stuck at 0 percent on Android');
    const push = await escalate(agent(12), 'app medium Doorbell push notifications arrive hours late');
    await postedCard(h, 'C0APP', login.key);
    await postedCard(h, 'C0APP', push.key);
    expect(push.answer).not.toContain('report of');
    expect((await issueByKey(h, push.key))!.parentId).toBeNull();
  });

  it("lets the agent undo a link: the escalation gets its own card and the parent's count goes down", async () => {
    const first = await escalate(agent(1), 'app easy Widget shows wrong battery level on iPad');
    const second = await escalate(agent(2), 'app easy widget shows wrong battery level on the iPad');
    expect(second.answer).toContain(`report of *${first.key}*`);
    const offer = await h.slack.waitFor('linked message', () => h.slack.ephemeralsFor(agent(2))
      .find((e) => e.text.includes(`*${second.key}*`) && JSON.stringify(e.blocks ?? []).includes('issue_undo_link')));
    const reply = await h.driver.click(agent(2), { ...offer, channel: FRONTLINE_CHANNEL, ts: '0', history: [], threadTs: undefined } as unknown as SandboxMessage, 'issue_undo_link');
    expect(reply.status).toBe(200);
    const said = await h.slack.waitFor('answer to undo', () => h.slack.answerTo(reply));
    expect(said.text).toContain(`${second.key} is no longer a report of ${first.key}`);
    await postedCard(h, 'C0APP', second.key);
    expect(await issueByKey(h, first.key)).toMatchObject({ reportCount: 0 });
    expect(await issueByKey(h, second.key)).toMatchObject({ parentId: null, status: 'unclaimed' });
  });

  it('links by hand with `same as ESC-n` in the thread, and a report reopened by its agent leaves the swarm', async () => {
    const first = await escalate(agent(3), 'app easy Timelapse export never finishes');
    const other = await escalate(agent(4), 'app easy Clip download spins forever in the web viewer');
    const firstCard = await postedCard(h, 'C0APP', first.key);
    const otherCard = await postedCard(h, 'C0APP', other.key);
    await h.driver.reply('U0ARJUN', otherCard, `same as ${first.key}`);
    await h.slack.waitFor('linked by hand', async () => (await issueByKey(h, other.key))!.parentId !== null);
    await h.slack.waitFor('old card points to the parent', () => text(otherCard).includes(`Now a report of`));
    expect(await issueByKey(h, first.key)).toMatchObject({ reportCount: 1 });

    await h.driver.click('U0ARJUN', firstCard, 'issue_claim');
    await h.slack.waitFor('claimed', async () => (await issueByKey(h, other.key))!.status === 'claimed');
    await resolveCard('U0ARJUN', firstCard, 'Fixed in web viewer 2.3.');
    const dm = await h.slack.waitFor('resolution DM', () => h.slack.dmsTo(agent(4)).find((m) => m.text.includes(`*${other.key}* is resolved`)));
    await h.driver.click(agent(4), dm, 'issue_reopen');
    const view = await h.slack.waitFor('reopen form', () => h.slack.openViewOf(agent(4)));
    await h.driver.submit(agent(4), { reason: 'Still spinning for this customer' }, { view });
    await h.slack.waitFor('reopened alone', async () => (await issueByKey(h, other.key))!.parentId === null);
    expect(await issueByKey(h, other.key)).toMatchObject({ status: 'claimed', claimerId: 'U0ARJUN' });
    expect(await issueByKey(h, first.key)).toMatchObject({ status: 'resolved', reportCount: 0 });
  });

  it("asks every report's agent for their customer's answer; one answer resumes the parent; an expert can unlink a report", async () => {
    const [a, b, c] = [
      await escalate(agent(7), 'app medium Night vision turns the doorbell image pink'),
      await escalate(agent(8), 'app medium night vision turns doorbell image pink'),
      await escalate(agent(9), 'app medium Night vision turns doorbell image pink!'),
    ];
    expect([b.answer, c.answer].every((t) => t.includes(`report of *${a.key}*`))).toBe(true);
    const card = await postedCard(h, 'C0APP', a.key);
    await h.driver.click('U0ALMA', card, 'issue_claim');
    await h.slack.waitFor('claimed', async () => (await issueByKey(h, c.key))!.status === 'claimed');
    await h.driver.reply('U0ALMA', card, 'waiting Which firmware version is on the doorbell?');
    for (const [i, { key }] of [a, b, c].entries()) {
      const asked = await h.slack.waitFor(`agent ${7 + i} asked`, () => h.slack.dmsTo(agent(7 + i)).find((m) => m.text.includes(`answer on *${key}*`)));
      expect(asked.text).toContain('Which firmware version');
    }
    await h.driver.say(agent(9), h.slack.dmChannelOf(agent(9)), `${c.key}: firmware 4.2.1`);
    await h.slack.waitFor('parent resumed', async () => (await issueByKey(h, a.key))!.status === 'claimed');
    expect(await issueByKey(h, b.key)).toMatchObject({ status: 'claimed' });

    // Asked again: this time a report's agent answers in the parent's thread, where the DM points them.
    await h.driver.reply('U0ALMA', card, 'waiting Is the doorbell on Wi-Fi or Ethernet?');
    const asked = await h.slack.waitFor('agent 8 asked again', () => h.slack.dmsTo(agent(8)).find((m) => m.text.includes('Wi-Fi or Ethernet')));
    expect(JSON.stringify(asked.blocks)).toContain(`p${card.ts.replace('.', '')}`);
    h.slack.channels.get('C0APP')!.members.add(agent(8)); // the agent joins #app to answer there
    await h.driver.reply(agent(8), card, 'Ethernet, the customer says');
    await h.slack.waitFor('parent resumed again', async () => (await issueByKey(h, a.key))!.status === 'claimed');

    await h.driver.reply('U0ALMA', card, `unlink ${b.key}`);
    await postedCard(h, 'C0APP', b.key);
    expect(await issueByKey(h, a.key)).toMatchObject({ reportCount: 1 });
    expect(await issueByKey(h, b.key)).toMatchObject({ parentId: null, status: 'unclaimed' });
  });

  it("links with the card's Same as… picker, and a reroute of the parent reaches every agent", async () => {
    const first = await escalate(agent(10), 'app medium Two-factor codes never arrive by SMS');
    const other = await escalate(agent(11), 'app medium Customer gets no verification text when logging in');
    expect(other.answer).not.toContain('report of');
    const firstCard = await postedCard(h, 'C0APP', first.key);
    const otherCard = await postedCard(h, 'C0APP', other.key);
    expect(text(otherCard)).toContain('issue_link');
    expect((await h.driver.click(agent(12), otherCard, 'issue_link')).status).toBe(200);
    expect(h.slack.openViewOf(agent(12))).toBeUndefined();
    await h.driver.click('U0ALMA', otherCard, 'issue_link');
    const picker = await h.slack.waitFor('picker', () => h.slack.openViewOf('U0ALMA'));
    expect(JSON.stringify(picker.view.blocks)).toContain(`${first.key} · Two-factor codes never arrive by SMS`);
    expect((await h.driver.submit('U0ALMA', { parent: first.key }, { view: picker })).body).toBe('');
    expect(await issueByKey(h, other.key)).toMatchObject({ parentId: (await issueByKey(h, first.key))!.id });
    // Within the response_url's 30 minutes, the agent hears where they typed /escalate.
    const told = await h.slack.waitFor('agent told', () => h.slack.ephemeralsFor(agent(11)).find((m) => m.text.includes(`<@U0ALMA> linked *${other.key}* to *${first.key}*`)));
    expect(JSON.stringify(told.blocks)).toContain('issue_undo_link');

    await h.driver.click('U0ALMA', firstCard, 'issue_reroute');
    const reroute = await h.slack.waitFor('reroute form', () => h.slack.openViewOf('U0ALMA'));
    await h.driver.submit('U0ALMA', { team: 'triage', reason: 'SMS delivery is the carrier, triage handles it' }, { view: reroute });
    for (const [i, { key }] of [first, other].entries()) {
      await h.slack.waitFor(`agent ${10 + i} told of the reroute`, () => h.slack.dmsTo(agent(10 + i)).find((m) => m.text.includes(key) && m.text.includes('triage')));
    }
    expect(await issueByKey(h, first.key)).toMatchObject({ team: 'triage' });
  });

  it('asks in the form whether it is the same problem, and links when the agent says so', async () => {
    const first = await escalate(agent(5), 'app medium Motion zones reset after firmware update');
    await postedCard(h, 'C0APP', first.key);
    await h.driver.slash(agent(6), FRONTLINE_CHANNEL, 'app');
    const form = await h.slack.waitFor('form', () => h.slack.openViewOf(agent(6)));
    const values = { category: 'app', level: 'medium', origin: 'email', summary: 'motion zones were reset by the firmware update' };
    const asked = await h.driver.submit(agent(6), values, { view: form });
    expect(asked.body).toMatchObject({ response_action: 'update' });
    const updated = (asked.body as { view: { blocks: unknown[] } }).view;
    expect(JSON.stringify(updated.blocks)).toContain(`This looks like ${first.key}`);
    const view = { ...form, view: { ...form.view, ...updated } };
    expect((await h.driver.submit(agent(6), { ...values, swarm_choice: `same:${(await issueByKey(h, first.key))!.id}` }, { view })).body).toBe('');
    await h.slack.waitFor('linked', async () => (await issueByKey(h, first.key))!.reportCount === 1);
  });
});
