import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { composeDigest } from '../../src/app/compose-digest.js';
import { digestText } from '../../src/slack/blocks/digest.js';
import { AGENTS, FRONTLINE_CHANNEL } from '../../src/sandbox/workspace.js';
import { DAY, testClock } from '../support/clock.js';
import { EXAMPLE_ROUTING, startHarness, type Harness } from '../support/harness.js';
import { answerToClick, clickWhenShown, eventTypes, fileQuick, issueByKey } from '../support/queries.js';

/**
 * Praise is passed on, not handled. Here the matrix calls it `kudos` and marks
 * it `praise: true`: it reaches the expert by DM, and the digest counts it on its
 * own line, never among the problems.
 */
const KUDOS = EXAMPLE_ROUTING
  .replace('  praise:   { label: "Praise to pass on", praise: true }', '  kudos:    { label: "Kudos for the team", praise: true }')
  .replace('when: { category: praise }', 'when: { category: kudos }');

let h: Harness;
const clock = testClock('2026-11-23T10:00:00Z'); // Monday, office hours
beforeAll(async () => { h = await startHarness({ now: clock.now, routing: KUDOS }); });
afterAll(async () => { await h?.stop(); });

const praiseDms = (user: string) => h.slack.dmsTo(user).filter((m) => m.text.startsWith(':tada:'));

describe('praise, whatever the category is called', () => {
  it('asks in the form whom the customer thanked, and tells them by DM', async () => {
    await h.driver.slash(AGENTS.social, FRONTLINE_CHANNEL, '');
    const form = await h.slack.waitFor('form', () => h.slack.openViewOf(AGENTS.social));
    const before = form.hash;
    await h.driver.choose(AGENTS.social, 'category', 'kudos');
    await h.slack.waitFor('form updated', () => form.hash !== before);
    const praised = form.view.blocks.find((b: { block_id?: string }) => b.block_id === 'praised');
    expect(praised).toMatchObject({ optional: true, label: { text: 'Who did the customer thank?' }, element: { type: 'multi_users_select' } });
    await h.driver.submit(AGENTS.social, { category: 'kudos', level: 'easy', origin: 'twitter', summary: 'Loved how Anna sorted the refund', praised: 'U0ANNA' });
    const dm = await h.slack.waitFor('praise DM', () => praiseDms('U0ANNA')[0]);
    expect(dm.text).toBe(`:tada: A customer praised you, passed on by <@${AGENTS.social}>:\n>Loved how Anna sorted the refund`);
  });

  it('takes the people mentioned in a quick-form escalation', async () => {
    const { key } = await fileQuick(h, 'kudos easy Thanks to <@U0BEN|ben> for the quick fix via:phone', 'C0DELIGHT');
    await h.slack.waitFor('praise DM', () => praiseDms('U0BEN')[0]);
    const issue = (await issueByKey(h, key))!;
    expect(await eventTypes(h, issue.id)).toContain('praised');
  });

  it('lets the agent say the customer was happy with a resolution, once per resolution, and tells the expert', async () => {
    const { key, card } = await fileQuick(h, 'delivery medium Parcel never arrived via:phone', 'C0DELIVERY');
    await h.driver.click('U0DEV', card, 'issue_claim');
    await h.slack.waitFor('claimed', () => card.history.length === 1);
    await clickWhenShown(h, 'U0DEV', card, 'issue_resolve');
    const form = await h.slack.waitFor('resolve form', () => { const v = h.slack.openViewOf('U0DEV'); return v?.view.callback_id === 'resolve_modal' && v; });
    await h.driver.submit('U0DEV', { note: 'Reshipped; arrives tomorrow.' }, { view: form });
    const resolution = await h.slack.waitFor('resolution DM', () => h.slack.dmsTo(AGENTS.phone).find((m) => m.text.includes(`*${key}* is resolved`)));

    expect(await answerToClick(h, 'U0CARL', resolution, 'issue_happy')).toBe(`:no_entry: Only the agent who escalated ${key} can pass on the customer's thanks.`);
    expect(await answerToClick(h, AGENTS.phone, resolution, 'issue_happy')).toBe(':tada: Thanks: passed on to <@U0DEV>.');
    const dm = await h.slack.waitFor('praise DM', () => praiseDms('U0DEV')[0]);
    expect(dm.text).toBe(`:tada: The customer of *${key}* was happy with your resolution, says <@${AGENTS.phone}>.`);
    // A double click passes nothing on twice.
    expect(await answerToClick(h, AGENTS.phone, resolution, 'issue_happy')).toBe(`You have already passed on the customer's thanks for ${key}.`);
    await h.app.flush();
    expect(praiseDms('U0DEV')).toHaveLength(1);

    // Reopened and resolved again: the new resolution can be praised in its turn.
    await clickWhenShown(h, AGENTS.phone, resolution, 'issue_reopen');
    const reopen = await h.slack.waitFor('reopen form', () => { const v = h.slack.openViewOf(AGENTS.phone); return v?.view.callback_id !== 'escalate_modal' && v; });
    await h.driver.submit(AGENTS.phone, { reason: 'The parcel still has not come.' }, { view: reopen });
    await h.slack.waitFor('reopened', async () => (await issueByKey(h, key))!.status === 'claimed');
    await clickWhenShown(h, 'U0DEV', card, 'issue_resolve');
    const again = await h.slack.waitFor('resolve form', () => { const v = h.slack.openViewOf('U0DEV'); return v?.view.callback_id === 'resolve_modal' && v.id !== form.id && v; });
    await h.driver.submit('U0DEV', { note: 'Delivered by hand.' }, { view: again });
    const second = await h.slack.waitFor('second resolution DM', () => h.slack.dmsTo(AGENTS.phone).filter((m) => m.text.includes(`*${key}* is resolved`))[1]);
    expect(await answerToClick(h, AGENTS.phone, second, 'issue_happy')).toBe(':tada: Thanks: passed on to <@U0DEV>.');
    await h.slack.waitFor('second praise DM', () => praiseDms('U0DEV')[1]);
  });

  it('counts kudos as praise in the digest, and never as a problem', async () => {
    clock.advance(DAY);
    const digest = await composeDigest(h.app.ctx, { name: 'weekly', timezone: 'Europe/London' }, { from: new Date('2026-11-23T00:00:00Z'), to: clock.now() });
    // One delivery escalation is the only problem filed; the two kudos are praise.
    expect(digest.volume.current.filed).toBe(1);
    expect(digest.categories.map((c) => c.category)).toEqual(['delivery']);
    expect(digest.missed.map((m) => m.team)).not.toContain('delight');
    expect(digest.urgent.lines.map((l) => l.team)).not.toContain('delight');
    expect(digest.people.praise.escalations.total).toBe(2);
    expect(digest.people.praise.experts).toEqual([{ user: 'U0DEV', count: 2 }, { user: 'U0ANNA', count: 1 }, { user: 'U0BEN', count: 1 }]);
    const text = digestText(digest, false);
    expect(text).toContain('Praised: @U0DEV (2), @U0ANNA (1), @U0BEN (1) · 2 happy customers after a resolution');
    expect(text).toContain('Praise passed on: 2 (not counted as escalations above)');
  });
});
