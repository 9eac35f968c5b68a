import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AGENTS, FRONTLINE_CHANNEL } from '../../src/sandbox/workspace.js';
import { startHarness, type Harness } from '../support/harness.js';
import { cardsIn, eventTypes, issueByKey } from '../support/queries.js';

let h: Harness;
// Monday 23 November 2026, 10:00 London: office hours.
const now = new Date('2026-11-23T10:00:00Z');
beforeAll(async () => { h = await startHarness({ now: () => now }); });
afterAll(async () => { await h?.stop(); });

const blockText = (blocks: any[] = []) => JSON.stringify(blocks);

describe('/escalate <category> <level> <summary>', () => {
  it('files at once, posts the card in the routed channel and confirms to the agent', async () => {
    const reply = await h.driver.slash(AGENTS.phone, FRONTLINE_CHANNEL, 'Billing MEDIUM Charged twice for order 1182');
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({ response_type: 'ephemeral', text: expect.stringContaining('ESC-1* is filed') });
    // No via: given: the agent is told the origin was taken as `other`.
    expect((reply.body as { text: string }).text).toContain('No `via:` given, so the origin is `other`.');

    const card = await h.slack.waitFor('card in #billing', () => cardsIn(h, 'C0BILLING')[0]);
    const blocks = blockText(card.blocks);
    expect(card.text).toContain('ESC-1');
    expect(blocks).toContain('ESC-1 · Billing & payments');
    expect(blocks).toContain('*Charged twice for order 1182*');
    expect(blocks).toContain('Medium: needs product input');
    expect(blocks).toContain('*Origin*\\nother');
    expect(blocks).toContain('<@U0ALEX>');
    // Deadlines as Slack date tokens: ack 1h, resolve 1 working day on the office calendar.
    expect(blocks).toContain(`<!date^${Date.parse('2026-11-23T11:00:00Z') / 1000}^`);
    expect(blocks).toContain(`<!date^${Date.parse('2026-11-24T10:00:00Z') / 1000}^`);
    expect(blocks).toContain('https://kb.lumen.example/billing');
    expect(card.blocks!.at(-1)!.elements.map((e: { action_id: string }) => e.action_id)).toEqual(['issue_claim', 'issue_resolve', 'issue_reroute']);

    // The interim answer is replaced by the confirmation with the card's link and the deadlines.
    const confirmation = await h.slack.waitFor('confirmation', () => h.slack.ephemeralsFor(AGENTS.phone).find((e) => e.text.includes('is posted')));
    expect(h.slack.ephemeralsFor(AGENTS.phone)).toHaveLength(1);
    expect(confirmation.channel).toBe(FRONTLINE_CHANNEL);
    expect(confirmation.text).toContain(`https://sandbox.slack.com/archives/C0BILLING/p${card.ts.replace('.', '')}`);
    expect(blockText(confirmation.blocks)).toContain('Acknowledge by <!date^');

    const issue = await issueByKey(h, 'ESC-1');
    expect(issue).toMatchObject({
      category: 'billing', level: 'medium', origin: 'other', team: 'billing', channel: 'C0BILLING', cardTs: card.ts,
      agentId: AGENTS.phone, status: 'unclaimed', summary: 'Charged twice for order 1182', postError: null,
    });
    expect(issue!.ackDueAt.toISOString()).toBe('2026-11-23T11:00:00.000Z');
    expect(issue!.snapshot.calendar.name).toBe('office');
    expect(await eventTypes(h, issue!.id)).toEqual(['filed', 'routed', 'posted']);
  });

  it('sets the origin with via: and copies social billing issues to the cc channel', async () => {
    await h.driver.slash(AGENTS.social, FRONTLINE_CHANNEL, 'billing easy via:twitter Refund never arrived');
    const notice = await h.slack.waitFor('FYI in #social', () => cardsIn(h, 'C0SOCIAL')[0]);
    const card = cardsIn(h, 'C0BILLING').find((m) => m.text.includes('Refund never arrived'))!;
    expect(notice.text).toContain('ESC-2');
    expect(notice.text).toContain('via twitter');
    expect(notice.text).toContain(`p${card.ts.replace('.', '')}`);
    expect((await issueByKey(h, 'ESC-2'))!.origin).toBe('twitter');
  });

  it('routes by text to legal, whatever the category', async () => {
    await h.driver.slash(AGENTS.phone, FRONTLINE_CHANNEL, 'delivery easy Customer will call her attorney about the lost parcel');
    await h.slack.waitFor('card in #legal', () => cardsIn(h, 'C0LEGAL')[0]);
    expect((await issueByKey(h, 'ESC-3'))!.team).toBe('legal');
  });

  it('answers help with usage, categories and levels', async () => {
    const reply = await h.driver.slash(AGENTS.phone, FRONTLINE_CHANNEL, 'help');
    expect(reply.body).toMatchObject({ response_type: 'ephemeral' });
    const text = blockText((reply.body as any).blocks);
    expect(text).toContain('/escalate <category> <level> <summary>');
    // The example is in this matrix's own words: its first category, its last level, a real origin.
    expect(text).toContain('e.g. `/escalate billing hard via:phone One line on what the customer sees`');
    expect(text).toContain('`billing`');
    expect(text).toContain('Acknowledge within 15m, resolve within 4h (24x7)');
  });

  it('opens the modal prefilled with what it understood', async () => {
    const reply = await h.driver.slash(AGENTS.phone, FRONTLINE_CHANNEL, 'camera The lens fogs up via:chat');
    expect(reply.status).toBe(200);
    expect(reply.body).toBe('');
    const view = await h.slack.waitFor('modal', () => h.slack.openViewOf(AGENTS.phone));
    const byId = Object.fromEntries(view.view.blocks.filter((b: any) => b.type === 'input').map((b: any) => [b.block_id, b.element]));
    expect(byId.category.initial_option.value).toBe('camera');
    expect(byId.origin.initial_option.value).toBe('chat');
    expect(byId.summary.initial_value).toBe('The lens fogs up');
    expect(byId.level.initial_option).toBeUndefined();
  });

  it('files one issue when the same command is delivered twice', async () => {
    const triggerId = h.slack.issueTrigger(AGENTS.phone);
    const first = await h.driver.slash(AGENTS.phone, FRONTLINE_CHANNEL, 'app easy App crashes on login', { triggerId });
    const again = await h.driver.slash(AGENTS.phone, FRONTLINE_CHANNEL, 'app easy App crashes on login', { triggerId });
    expect((first.body as any).text).toContain('ESC-4');
    expect((again.body as any).text).toContain('ESC-4');
    await h.slack.waitFor('card in #app', () => cardsIn(h, 'C0APP')[0]);
    await h.app.flush();
    expect(cardsIn(h, 'C0APP')).toHaveLength(1);
    expect(await issueByKey(h, 'ESC-5')).toBeUndefined();
  });
});
