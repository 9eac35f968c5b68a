import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { composeDigest } from '../../src/app/compose-digest.js';
import { deflections } from '../../src/db/schema.js';
import { digestText } from '../../src/slack/blocks/digest.js';
import { AGENTS, FRONTLINE_CHANNEL } from '../../src/sandbox/workspace.js';
import { DAY, MINUTE, testClock } from '../support/clock.js';
import { startHarness, type Harness } from '../support/harness.js';
import { clickWhenShown, fileQuick } from '../support/queries.js';

/**
 * Intake that teaches: choosing a category in the form shows its article and
 * the answers given before, and an agent who then closes the form counts as a
 * deflection, in the database, /metrics and the digest.
 */
let h: Harness;
const clock = testClock('2026-11-23T10:00:00Z'); // Monday, office hours
beforeAll(async () => { h = await startHarness({ now: clock.now, env: { METRICS_PORT: '0' } }); });
afterAll(async () => { await h?.stop(); });

/** Files, claims and resolves a quick-form escalation with `note` as what to tell the customer. */
async function resolved(text: string, channel: string, owner: string, note: string) {
  const { key, card } = await fileQuick(h, text, channel);
  await h.driver.click(owner, card, 'issue_claim');
  await h.slack.waitFor(`${key} claimed`, () => card.history.length === 1);
  const earlier = new Set(h.slack.views.keys());
  await clickWhenShown(h, owner, card, 'issue_resolve');
  const form = await h.slack.waitFor('resolve form', () => { const v = h.slack.openViewOf(owner); return v && !earlier.has(v.id) && v; });
  await h.driver.submit(owner, { note }, { view: form });
  await h.slack.waitFor(`${key} resolved`, () => card.history.length === 2);
  return key;
}

async function openForm(user: string) {
  const earlier = new Set(h.slack.views.keys());
  await h.driver.slash(user, FRONTLINE_CHANNEL, '');
  return h.slack.waitFor('escalation form', () => { const v = h.slack.openViewOf(user); return v && !earlier.has(v.id) && v; });
}

const deflectionRows = () => h.app.database.db.select().from(deflections);
const metrics = async () => (await fetch(`http://127.0.0.1:${h.app.metricsPort}/metrics`)).text();

describe('the form teaches while the agent fills it in', () => {
  let charged: string;
  let otherAnswer: string;

  beforeAll(async () => {
    charged = await resolved('billing medium Customer charged twice for one order via:phone', 'C0BILLING', 'U0ANNA',
      'The second charge is a pre-authorisation <!channel>; it drops off within 3 working days.');
    otherAnswer = await resolved('billing medium Invoice address is wrong via:email', 'C0BILLING', 'U0BEN', 'Changed the address; a new invoice is on its way.');
    await resolved('delivery medium Parcel stuck in customs via:email', 'C0DELIVERY', 'U0DEV', 'Customs released it; arrives Thursday.');
  });

  it('shows the chosen category\'s article and the answers given before, most alike first', async () => {
    const form = await openForm(AGENTS.social);
    const before = form.hash;
    await h.driver.choose(AGENTS.social, 'category', 'billing', { summary: 'Charged twice for the same order' });
    const updated = await h.slack.waitFor('form updated', () => form.hash !== before && form);
    const text = JSON.stringify(updated.view.blocks);
    expect(text).toContain('<https://kb.lumen.example/billing|the Billing &amp; payments article>');
    expect(text).not.toContain('kb.lumen.example/delivery');
    expect(text).toContain('This was answered before');
    // Most alike first; the other category's answer is not offered. Text from people is escaped.
    expect(text.indexOf(charged)).toBeGreaterThan(-1);
    expect(text.indexOf(charged)).toBeLessThan(text.indexOf(otherAnswer) === -1 ? Infinity : text.indexOf(otherAnswer));
    expect(text).toContain('pre-authorisation &lt;!channel&gt;');
    expect(text).not.toContain('Customs released it');
    // What the agent typed is kept.
    const summary = updated.view.blocks.find((b: { block_id?: string }) => b.block_id === 'summary');
    expect(summary.element.initial_value).toBe('Charged twice for the same order');
    expect(JSON.parse(updated.view.private_metadata).shown).toMatchObject({ category: 'billing', kb: true });
  });

  it('counts closing the form after that as a deflection, once, in the database and /metrics', async () => {
    const before = await deflectionRows();
    const reply = await h.driver.close(AGENTS.social, { category: 'billing', summary: 'Charged twice for the same order' });
    expect(reply?.status).toBe(200);
    const rows = await h.slack.waitFor('deflection stored', async () => { const r = await deflectionRows(); return r.length > before.length && r; });
    expect(rows.at(-1)).toMatchObject({ category: 'billing', team: 'billing', userId: AGENTS.social, shown: { kb: true } });
    expect(rows.at(-1)!.shown.answers).toContain(charged);
    // Slack repeating the close changes nothing.
    await h.driver.resend(reply!.request);
    expect(await deflectionRows()).toHaveLength(rows.length);
    expect(await metrics()).toContain('frontline_deflections_total{category="billing"} 1');
  });

  it('does not count a form closed before any help was shown', async () => {
    await openForm(AGENTS.phone);
    const before = (await deflectionRows()).length;
    await h.driver.close(AGENTS.phone);
    await h.app.flush();
    expect(await deflectionRows()).toHaveLength(before);
  });

  it('shows nothing but the form for a category with no article and no answers yet', async () => {
    const form = await openForm(AGENTS.phone);
    const before = form.hash;
    await h.driver.choose(AGENTS.phone, 'category', 'other');
    await h.slack.waitFor('form updated', () => form.hash !== before);
    expect(JSON.stringify(form.view.blocks)).not.toContain('answered before');
    expect(JSON.parse(form.view.private_metadata).shown).toEqual({ category: 'other', kb: false, answers: [] });
    await h.driver.close(AGENTS.phone);
  });

  it('gives the digest a deflection section: per category, missing articles, the same answer again and again', async () => {
    // "Something else" has no article: three escalations make it worth writing one. Delivery keeps getting one answer.
    for (const n of [1, 2, 3]) await fileQuick(h, `other medium Gift card ${n} shows no balance via:phone`, 'C0TRIAGE');
    for (const n of [1, 2]) await resolved(`delivery medium Parcel ${n} stuck in customs via:email`, 'C0DELIVERY', 'U0DORA', 'Customs released it; arrives Thursday.');
    clock.advance(DAY);
    const digest = await composeDigest(h.app.ctx, { name: 'weekly', timezone: 'Europe/London' }, { from: new Date('2026-11-23T00:00:00Z'), to: clock.now() });
    expect(digest.intake.deflected).toEqual([{ category: 'billing', count: 1 }]);
    expect(digest.intake.noArticle).toEqual([{ category: 'other', count: 3 }]);
    expect(digest.intake.sameAnswer).toEqual([{ category: 'delivery', alike: 3, example: 'Customs released it; arrives Thursday.' }]);
    const text = digestText(digest, false);
    expect(text).toContain('Forms closed after the article or past answers: billing 1');
    // A team's digest counts the deflections that would have gone to it.
    const period = { from: new Date('2026-11-23T00:00:00Z'), to: clock.now() };
    expect((await composeDigest(h.app.ctx, { name: 'billing', teams: ['billing'], timezone: 'Europe/London' }, period)).intake.deflected).toEqual([{ category: 'billing', count: 1 }]);
    expect((await composeDigest(h.app.ctx, { name: 'delivery', teams: ['delivery'], timezone: 'Europe/London' }, period)).intake.deflected).toEqual([]);
    expect(text).toContain('other: 3 escalations and no knowledge-base article: write one?');
    expect(text).toContain('delivery: 3 resolutions gave the same answer, such as “Customs released it; arrives Thursday.”: worth an article?');
    clock.advance(10 * MINUTE);
  });
});
