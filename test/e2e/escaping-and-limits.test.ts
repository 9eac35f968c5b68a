import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LIMITS } from '../../src/sandbox/block-kit-limits.js';
import { AGENTS, FRONTLINE_CHANNEL } from '../../src/sandbox/workspace.js';
import { startHarness, type Harness } from '../support/harness.js';
import { cardsIn, issueByKey } from '../support/queries.js';

let h: Harness;
beforeAll(async () => { h = await startHarness(); });
afterAll(async () => { await h?.stop(); });

describe('untrusted text', () => {
  it('pings nobody, anywhere, whatever the agent typed', async () => {
    await h.driver.slash(AGENTS.social, FRONTLINE_CHANNEL, '');
    await h.slack.waitFor('form', () => h.slack.openViewOf(AGENTS.social));
    await h.driver.submit(AGENTS.social, {
      category: 'billing', level: 'easy', origin: 'twitter',
      summary: '<!channel> refund <!here> now <!everyone>',
      details: 'cc <@U0DIRECTOR> and <!subteam^S0SENIOR> <https://evil.example|click>',
      customer_ref: '<!channel>',
    });
    const card = await h.slack.waitFor('card', () => cardsIn(h, 'C0BILLING')[0]);
    await h.slack.waitFor('cc', () => cardsIn(h, 'C0SOCIAL')[0]);
    await h.slack.waitFor('confirmation', () => h.slack.ephemeralsFor(AGENTS.social).find((e) => e.text.includes('is posted')));

    const everything = [...h.slack.messages, ...h.slack.ephemerals];
    const pings = everything.flatMap((m) => h.slack.pingsIn(m));
    // Only the mentions Frontline itself writes: the escalating agent on the card.
    expect(new Set(pings)).toEqual(new Set(['<@U0SAM>']));
    expect(JSON.stringify(card.blocks)).toContain('&lt;!channel&gt; refund &lt;!here&gt;');
    expect((await issueByKey(h, 'ESC-1'))!.summary).toBe('<!channel> refund <!here> now <!everyone>');
  });
});

describe('Block Kit limits', () => {
  it('cuts overlong text on the card, keeps the full text, and Slack accepts it', async () => {
    const details = `${'Long story & more <details>. '.repeat(400)}THE END`;
    const customerRef = 'R'.repeat(200);
    await h.driver.slash(AGENTS.phone, FRONTLINE_CHANNEL, '');
    await h.slack.waitFor('form', () => h.slack.openViewOf(AGENTS.phone));
    await h.driver.submit(AGENTS.phone, { category: 'app', level: 'hard', origin: 'chat', summary: 'S'.repeat(150), details: details.slice(0, 3000), customer_ref: customerRef });
    const card = await h.slack.waitFor('card', () => cardsIn(h, 'C0APP')[0]);
    const sections = card.blocks!.filter((b) => b.type === 'section' && b.text).map((b) => b.text.text as string);
    expect(sections.every((t) => t.length <= LIMITS.sectionText)).toBe(true);
    expect(sections.some((t) => t.endsWith('…'))).toBe(true);
    const issue = await issueByKey(h, 'ESC-2');
    expect(issue!.details).toBe(details.slice(0, 3000).trim());
    expect(h.slack.callsTo('chat.postMessage').every((c) => c.ok)).toBe(true);
  });

  it('is enforced by the sandbox as by Slack: an oversize section is refused with a pointer', async () => {
    const response = await fetch(`${h.slack.apiUrl}chat.postMessage`, {
      method: 'POST',
      headers: { authorization: `Bearer ${h.slack.botToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ channel: 'C0APP', text: 'x', blocks: [{ type: 'section', text: { type: 'mrkdwn', text: 'x'.repeat(3001) } }] }),
    });
    expect(await response.json()).toEqual({ ok: false, error: 'invalid_blocks', errors: ['must be less than 3001 characters [json-pointer:/blocks/0/text/text]'] });
  });

  it('allows radio buttons 10 options, as Slack does, where a select allows 100', async () => {
    const options = (n: number) => Array.from({ length: n }, (_, i) => ({ text: { type: 'plain_text', text: `L${i}` }, value: `l${i}` }));
    const post = async (type: string, n: number) => (await fetch(`${h.slack.apiUrl}chat.postMessage`, {
      method: 'POST',
      headers: { authorization: `Bearer ${h.slack.botToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ channel: 'C0APP', text: 'x', blocks: [{ type: 'actions', elements: [{ type, action_id: 'a', options: options(n) }] }] }),
    })).json();
    expect(await post('radio_buttons', 10)).toMatchObject({ ok: true });
    expect(await post('radio_buttons', 11)).toEqual({ ok: false, error: 'invalid_blocks', errors: ['must have between 1 and 10 options [json-pointer:/blocks/0/elements/0/options]'] });
    expect(await post('static_select', 100)).toMatchObject({ ok: true });
  });
});
