import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AGENTS, FRONTLINE_CHANNEL } from '../../src/sandbox/workspace.js';
import { startHarness, type Harness } from '../support/harness.js';
import { allIssues, cardsIn, issueByKey } from '../support/queries.js';

let h: Harness;
beforeAll(async () => { h = await startHarness(); });
afterAll(async () => { await h?.stop(); });

async function openForm(user: string) {
  await h.driver.slash(user, FRONTLINE_CHANNEL, '');
  return h.slack.waitFor('escalation form', () => h.slack.openViewOf(user));
}

const valid = { category: 'delivery', level: 'medium', origin: 'email', summary: 'Parcel marked delivered but not received', details: 'Tracking 1Z999', customer_ref: 'ORD-77' };

describe('the escalation modal', () => {
  it('offers categories, levels with their targets and origins; help waits for a category', async () => {
    const { view } = await openForm(AGENTS.phone);
    expect(view.callback_id).toBe('escalate_modal');
    const inputs = Object.fromEntries(view.blocks.filter((b: any) => b.type === 'input').map((b: any) => [b.block_id, b]));
    expect(Object.keys(inputs)).toEqual(['category', 'level', 'origin', 'summary', 'details', 'customer_ref']);
    expect(inputs.category.element.options.map((o: any) => o.text.text)).toContain('Billing & payments');
    expect(inputs.level.element.options[0]).toMatchObject({ value: 'easy', description: { text: 'Acknowledge within 4h, resolve within 2d (office hours)' } });
    expect(inputs.origin.element.options.map((o: any) => o.value)).toEqual(['phone', 'email', 'chat', 'twitter', 'facebook', 'instagram', 'app-review', 'other']);
    expect(inputs.summary.element.max_length).toBe(150);
    expect(inputs.details.optional).toBe(true);
    expect(inputs.customer_ref.optional).toBe(true);
    // Not one line listing every article: choosing a category shows its own (test/e2e/intake-deflection.test.ts).
    expect(JSON.stringify(view.blocks)).not.toContain('kb.lumen.example');
    expect(inputs.category.dispatch_action).toBe(true);
    expect(view.notify_on_close).toBe(true);
    await h.driver.submit(AGENTS.phone, valid); // closes it for the next test
    await h.slack.waitFor('card', () => cardsIn(h, 'C0DELIVERY')[0]);
  });

  it('files on submit, closes the form and confirms where the agent typed /escalate', async () => {
    const issue = await issueByKey(h, 'ESC-1');
    expect(issue).toMatchObject({ category: 'delivery', level: 'medium', origin: 'email', details: 'Tracking 1Z999', customerRef: 'ORD-77', agentChannel: FRONTLINE_CHANNEL });
    const card = cardsIn(h, 'C0DELIVERY')[0]!;
    expect(JSON.stringify(card.blocks)).toContain('*Customer*\\nORD-77');
    expect(JSON.stringify(card.blocks)).toContain('*Details*\\nTracking 1Z999');
    const confirmation = await h.slack.waitFor('confirmation', () => h.slack.ephemeralsFor(AGENTS.phone).find((e) => e.text.includes('ESC-1* is posted')));
    expect(confirmation.via).toBe('response_url');
    expect(confirmation.channel).toBe(FRONTLINE_CHANNEL);
  });

  it('shows every problem inline and files nothing', async () => {
    await openForm(AGENTS.social);
    const reply = await h.driver.submit(AGENTS.social, { origin: 'email', summary: '   ', details: 'x'.repeat(3001) });
    expect(reply.status).toBe(200);
    expect(reply.body).toEqual({
      response_action: 'errors',
      errors: {
        category: 'Pick a category.',
        level: 'Pick a level.',
        summary: 'Write a one-line summary.',
        details: 'Details can be at most 3000 characters.',
      },
    });
    expect(h.slack.openViewOf(AGENTS.social)).toBeDefined();
    expect(await allIssues(h)).toHaveLength(1);
  });

  it('refuses a choice the matrix no longer offers', async () => {
    const reply = await h.driver.submit(AGENTS.social, { ...valid, category: 'warranty' });
    expect(reply.body).toEqual({ response_action: 'errors', errors: { category: 'That choice is no longer offered; pick another.' } });
  });

  it('files once when the same form is submitted twice', async () => {
    const view = h.slack.openViewOf(AGENTS.social)!;
    const values = { ...valid, summary: 'Courier left parcel in the rain' };
    const [a, b] = await Promise.all([h.driver.submit(AGENTS.social, values, { view }), h.driver.submit(AGENTS.social, values, { view })]);
    expect([a.status, b.status]).toEqual([200, 200]);
    await h.slack.waitFor('second card', () => cardsIn(h, 'C0DELIVERY')[1]);
    await h.app.flush();
    expect((await allIssues(h)).map((i) => i.summary)).toEqual(['Parcel marked delivered but not received', 'Courier left parcel in the rain']);
    expect(cardsIn(h, 'C0DELIVERY')).toHaveLength(2);
  });

  it('tells the agent by DM once the response_url is no longer accepted', async () => {
    await openForm(AGENTS.phone);
    const realNow = h.slack.now;
    h.slack.now = () => realNow() + 31 * 60 * 1000; // the form stayed open for half an hour
    try {
      await h.driver.submit(AGENTS.phone, { ...valid, summary: 'Slow form' });
      const dm = await h.slack.waitFor('DM confirmation', () => h.slack.dmsTo(AGENTS.phone).find((m) => m.text.includes('ESC-3* is posted')));
      expect(dm.text).toContain('<#C0DELIVERY>');
    } finally {
      h.slack.now = realNow;
    }
  });
});
