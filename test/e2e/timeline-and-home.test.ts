import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AGENTS, FRONTLINE_CHANNEL } from '../../src/sandbox/workspace.js';
import { startHarness, type Harness } from '../support/harness.js';
import { cardsIn, fileQuick } from '../support/queries.js';

/**
 * The tests share one app; each files its own issues and finds them by key. Home
 * tabs count everything a person sees, so each test looks at people no other test
 * involves, and the test that files 43 issues for one agent has an app of its own.
 */
let h: Harness;
beforeAll(async () => { h = await startHarness(); });
afterAll(async () => { await h?.stop(); });

const text = (blocks: unknown) => JSON.stringify(blocks);
async function show(user: string, channel: string, key: string) {
  const reply = await h.driver.slash(user, channel, `show ${key}`);
  return h.slack.waitFor('answer', () => h.slack.answerTo(reply));
}

describe('/escalate show', () => {
  let key: string;
  beforeAll(async () => {
    // A lurker has been in #camera all along: Frontline caches a channel's members for a minute,
    // so joining after another test's `show` looked them up would not be seen yet.
    h.slack.addUser('U0LURKER', 'lurker');
    h.slack.channels.get('C0CAMERA')!.members.add('U0LURKER');
    const filed = await fileQuick(h, 'camera hard Battery swells when charging', 'C0CAMERA');
    key = filed.key;
    await h.driver.reply('U0CARL', filed.card, 'taking');
    await h.slack.waitFor('claimed', () => filed.card.history.length === 1);
  });

  it('shows the escalating agent the summary and the timeline', async () => {
    const answer = await show(AGENTS.phone, FRONTLINE_CHANNEL, key);
    const blocks = text(answer.blocks);
    expect(blocks).toContain(`${key} · Camera hardware`);
    expect(blocks).toContain('*Battery swells when charging*');
    expect(blocks).toContain('filed by <@U0ALEX> (camera, hard, via other)');
    expect(blocks).toContain('routed to camera (<#C0CAMERA>)');
    expect(blocks).toContain('card posted in <#C0CAMERA>');
    expect(blocks).toContain('claimed by <@U0CARL> (reply)');
  });

  it('shows it to anyone in the team channel, typed there or elsewhere', async () => {
    // The key in lower case, and the number alone.
    expect(text((await show('U0LURKER', FRONTLINE_CHANNEL, key.toLowerCase())).blocks)).toContain('claimed by <@U0CARL>');
    expect(text((await show('U0CLEO', 'C0CAMERA', key.replace('ESC-', ''))).blocks)).toContain('claimed by <@U0CARL>');
  });

  it('tells everyone else what it tells them of a key that does not exist', async () => {
    expect((await show('U0ANNA', 'C0BILLING', key)).text).toBe(`:no_entry: There is no issue ${key} that you can see. Keys look like ESC-12.`);
    expect((await show('U0ANNA', 'C0BILLING', 'ESC-9999')).text).toBe(':no_entry: There is no issue ESC-9999 that you can see. Keys look like ESC-12.');
    expect((await show('U0ANNA', 'C0BILLING', '<!channel>')).text).toBe(':no_entry: There is no issue &lt;!channel&gt; that you can see. Keys look like ESC-12.');
  });
});

describe('the Home tab and /escalate mine', () => {
  it('lists my claimed issues, my teams\' queue and what I escalated, each most urgent first', async () => {
    // Anna owns billing: one issue she claims, two left in the queue. (Other tests leave no billing issue unclaimed, and none for her.)
    const filed = [];
    for (const level of ['easy', 'hard', 'medium']) filed.push(await fileQuick(h, `billing ${level} Billing issue ${level}`, 'C0BILLING', AGENTS.social));
    const easy = filed[0]!.card;
    await h.driver.click('U0ANNA', easy, 'issue_claim');
    await h.slack.waitFor('claimed', () => easy.history.length === 1);

    await h.app.flush(); // refreshes queued by the filing and the claim
    const published = h.slack.callsTo('views.publish').filter((c) => c.args.user_id === 'U0ANNA').length;
    await h.driver.event({ type: 'app_home_opened', user: 'U0ANNA', channel: 'D0ANNA', tab: 'home', event_ts: '1.0' });
    await h.slack.waitFor('home published on opening', () => h.slack.callsTo('views.publish').filter((c) => c.args.user_id === 'U0ANNA').length > published);
    const home = h.slack.views.get('home:U0ANNA')!;
    const blocks = home.view.blocks as Array<{ type: string; text?: { text: string } }>;
    const headers = blocks.filter((b) => b.type === 'header').map((b) => b.text!.text);
    expect(headers).toEqual(['Claimed by you (1)', 'Unclaimed in your teams (2)', 'Escalated by you (0)']);
    const sections = blocks.filter((b) => b.type === 'section').map((b) => b.text!.text);
    expect(sections[0]).toContain('Billing issue easy');
    // The hard issue (15 min to acknowledge) comes before the medium one (1 hour).
    expect(sections[1]).toContain('Billing issue hard');
    expect(sections[2]).toContain('Billing issue medium');
    expect(sections[1]).toContain('Acknowledge by <!date^');
  });

  it('refreshes the Home tab of the people involved after a change', async () => {
    // Ben claims it at once: it never waits in Anna's queue after this test.
    const { card } = await fileQuick(h, 'billing hard Billing issue for Ben', 'C0BILLING');
    await h.app.flush(); // refreshes queued by the filing: the one counted is the claim's
    const publishes = () => h.slack.callsTo('views.publish').filter((c) => c.args.user_id === 'U0BEN').length;
    const before = publishes();
    await h.driver.click('U0BEN', card, 'issue_claim');
    await h.slack.waitFor('Ben\'s home refreshed', () => publishes() > before);
    const home = h.slack.views.get('home:U0BEN')!;
    expect(text(home.view.blocks)).toContain('Claimed by you (1)');
  });

  it('refreshes the Home tab of owners who belong to the team through its user group', async () => {
    const homeOf = (user: string) => text(h.slack.views.get(`home:${user}`)?.view.blocks ?? []);
    await h.driver.slash(AGENTS.phone, FRONTLINE_CHANNEL, 'other easy Customer asks about something odd');
    // Triage's owners are the group S0TRIAGE (Tess and Tom): neither opened the Home tab.
    await h.slack.waitFor('both members\' homes published', () =>
      ['U0TESS', 'U0TOM'].every((u) => homeOf(u).includes('Unclaimed in your teams (1)')));
    expect(homeOf('U0TESS')).toContain('Customer asks about something odd');
  });

  it('stays within Slack\'s block limits, ending each long list with "and N more"', async () => {
    // An app of its own: the counts below are everything this agent escalated.
    const h = await startHarness();
    // 40 cards in one channel: this is about the Home tab's limits, not Slack's posting rate (20 s of it here).
    h.slack.limitChannel('C0DELIVERY', 100, 100);
    try {
      for (const level of ['easy', 'hard', 'medium']) await h.driver.slash(AGENTS.social, FRONTLINE_CHANNEL, `billing ${level} Billing issue ${level}`);
      for (let i = 0; i < 40; i++) await h.driver.slash(AGENTS.social, FRONTLINE_CHANNEL, `delivery easy Parcel ${i} late`);
      await h.slack.waitFor('40 cards', () => cardsIn(h, 'C0DELIVERY').length === 40, 20_000);
      await h.driver.event({ type: 'app_home_opened', user: AGENTS.social, channel: 'D0SAM', tab: 'home', event_ts: '1.0' });
      await h.slack.waitFor('home', () => text(h.slack.views.get(`home:${AGENTS.social}`)?.view.blocks ?? []).includes('Escalated by you (43)'));
      const home = h.slack.views.get(`home:${AGENTS.social}`)!.view.blocks as unknown[];
      expect(home.length).toBeLessThanOrEqual(100);
      expect(text(home)).toMatch(/…and \d+ more/);
      expect(h.slack.callsTo('views.publish').every((c) => c.ok)).toBe(true);

      // Filing confirmations for the 40 issues may still be arriving: find the answer to this command.
      const reply = await h.driver.slash(AGENTS.social, FRONTLINE_CHANNEL, 'mine');
      const mine = await h.slack.waitFor('mine', () => h.slack.answerTo(reply));
      expect((mine.blocks ?? []).length).toBeLessThanOrEqual(50);
      expect(text(mine.blocks)).toContain('Escalated by you (43)');
      expect(text(mine.blocks)).toContain('…and 30 more'); // 13 of 43 fit in one message
    } finally {
      await h.stop();
    }
  }, 60_000); // 43 commands, one after the other
});
