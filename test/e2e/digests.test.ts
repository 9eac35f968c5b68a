import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AGENTS, FRONTLINE_CHANNEL } from '../../src/sandbox/workspace.js';
import { testClock } from '../support/clock.js';
import { startHarness, type Harness } from '../support/harness.js';
import { postedCard } from '../support/queries.js';

// routing.example.yml: support-weekly goes to U0MANAGER every Monday at 09:00 London, for all teams.
let h: Harness;
const clock = testClock('2026-11-23T09:00:30Z'); // just after Monday's slot
beforeAll(async () => { h = await startHarness({ now: clock.now }); });
afterAll(async () => { await h?.stop(); });

const digests = () => h.slack.dmsTo('U0MANAGER').filter((m) => m.text.startsWith('Digest support-weekly'));
const body = (m: { blocks?: unknown[] }) => JSON.stringify(m.blocks);

async function file(text: string, channel: string) {
  const reply = await h.driver.slash(AGENTS.phone, FRONTLINE_CHANNEL, text);
  const key = /ESC-\d+/.exec((reply.body as { text: string }).text)![0];
  return { key, card: await postedCard(h, channel, key) };
}

describe('manager digests', () => {
  it('sends a short "no escalations" digest for an empty period', async () => {
    await h.app.sweep();
    const empty = await h.slack.waitFor('digest', () => digests()[0]);
    expect(body(empty)).toContain('Mon 16 Nov 09:00 – Mon 23 Nov 09:00 (Europe/London)');
    expect(body(empty)).toContain('No escalations in this period, and nothing open.');
  });

  it('sends the weekly digest at its slot, once, with the exact figures', async () => {
    clock.set('2026-11-23T10:00:00Z');
    const { card } = await file('billing hard Double charge on renewal via:phone', 'C0BILLING');
    clock.set('2026-11-23T10:12:00Z');
    await h.driver.click('U0ANNA', card, 'issue_claim');
    await h.slack.waitFor('claimed', () => card.history.length === 1);
    clock.set('2026-11-23T11:00:00Z');
    await h.driver.click('U0ANNA', card, 'issue_resolve');
    await h.slack.waitFor('form', () => h.slack.openViewOf('U0ANNA'));
    await h.driver.submit('U0ANNA', { note: 'Refunded the second charge.' });
    await h.slack.waitFor('resolved card', () => body(card).includes('*Resolved*'));
    clock.set('2026-11-24T10:00:00Z');
    await file('delivery easy Parcel stuck in the depot via:email', 'C0DELIVERY');
    await h.app.sweep();
    expect(digests()).toHaveLength(1);

    clock.set('2026-11-30T09:00:00Z');
    await h.app.sweep();
    await h.slack.waitFor('digest', () => digests()[1]);
    await h.app.sweep();
    expect(digests()).toHaveLength(2);
    const digest = body(digests()[1]!);
    expect(digest).toContain('Mon 23 Nov 09:00 – Mon 30 Nov 09:00 (Europe/London)');
    expect(digest).toContain('Filed *2* (+2) · claimed *1* (+1) · resolved *1* (+1) · reopened *0* (±0) · open now *1*');
    expect(digest).toContain('*billing*: acknowledge 12 min (p90 12 min, 1) · resolve 1 h (p90 1 h, 1)');
    // Billing's hard issue was claimed after 12 of its 15 minutes; delivery's easy one was never claimed.
    expect(digest).toContain('*billing*: acknowledged late 0 of 1 (0%) · resolved late 0 of 1 (0%) · past target now 0');
    expect(digest).toContain('*delivery*: acknowledged late 0 of 0 (—) · resolved late 0 of 0 (—) · past target now 1');
    expect(digest).toContain('|ESC-2> · unclaimed, acknowledge by <!date^');
    expect(digest).toContain('*phone*: acknowledge 12 min (1) · resolve 1 h (1)');
    expect(digest).toContain('Most claimed: <@U0ANNA> (1)');
  });

  it('sends a digest addressed to a channel into that channel, for its own teams and time zone', async () => {
    // billing-daily: weekdays 09:00 New York (14:00 UTC), billing and legal, to #billmgmt.
    const daily = h.slack.messagesIn('C0BILLMGMT').filter((m) => m.text.startsWith('Digest billing-daily'));
    expect(daily.length).toBeGreaterThan(0);
    const last = JSON.stringify(daily.at(-1)!.blocks);
    expect(last).toContain('Thu 26 Nov 09:00 – Fri 27 Nov 09:00 (America/New_York) · teams: billing, legal');
  });

  it('after downtime, sends only the latest missed slot, marked late', async () => {
    clock.set('2026-12-15T10:00:00Z'); // the 7 and 14 December slots passed while nothing swept
    await h.app.sweep();
    await h.slack.waitFor('late digest', () => digests()[2]);
    await h.app.sweep();
    expect(digests()).toHaveLength(3);
    expect(body(digests()[2]!)).toContain('Mon 7 Dec 09:00 – Mon 14 Dec 09:00 (Europe/London)');
    expect(body(digests()[2]!)).toContain('sent late: Frontline was down at the scheduled time');
  });

  it('shows a manager their digest so far with /escalate digest, and nobody else', async () => {
    const reply = await h.driver.slash('U0MANAGER', FRONTLINE_CHANNEL, 'digest');
    const mine = await h.slack.waitFor('ephemeral digest', () => h.slack.answerTo(reply));
    expect(mine.text).toContain('Digest support-weekly');
    expect(body(mine)).toContain('Mon 14 Dec 09:00 – Tue 15 Dec 10:00');
    await h.driver.slash(AGENTS.phone, FRONTLINE_CHANNEL, 'digest support-weekly');
    const refused = await h.slack.waitFor('refusal', () => h.slack.ephemeralsFor(AGENTS.phone).find((e) => e.text.includes('digest')));
    expect(refused.text).toBe(':no_entry: No digest named "support-weekly" is addressed to you. Digests are set up in routing.yml under `digests:`.');
  });
});
