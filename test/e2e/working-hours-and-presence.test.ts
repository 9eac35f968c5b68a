import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SandboxMessage } from '../../src/sandbox/slack-server.js';
import { AGENTS, FRONTLINE_CHANNEL } from '../../src/sandbox/workspace.js';
import { testClock } from '../support/clock.js';
import { EXAMPLE_ROUTING, startHarness, type Harness } from '../support/harness.js';
import { issueByKey, postedCard } from '../support/queries.js';

/**
 * Escalations that respect people: a tier passes over whoever is outside their
 * working hours or in do-not-disturb, tries the next tier when nobody in it can
 * be reached, DMs a user group's members, and a nudge waits for its claimer's
 * working hours. Hours come from `people:` and team `hours:` in the matrix;
 * time zones and do-not-disturb from Slack (users.info, dnd.info).
 */
const ROUTING = EXAMPLE_ROUTING
  .replace('calendars:\n', [
    'calendars:',
    '  mornings:                                 # no time zone: each person\'s own, from Slack',
    '    hours:',
    '      mon-fri: "09:00-12:00"',
    '  afternoons:',
    '    hours:',
    '      mon-fri: "13:00-17:30"',
    '',
  ].join('\n'))
  .replace('digests:\n', [
    'people:',
    '  U0LEAD: { hours: us-office }            # New York',
    '  U0ANNA: { hours: afternoons }',
    '  U0GC:   { hours: mornings }',
    '  U0CARE: { hours: mornings }',
    '',
    'digests:',
    '',
  ].join('\n'))
  // Delivery's first tier is a user group; legal's whole chain keeps mornings only.
  .replace('  delivery:\n    channel: C0DELIVERY\n    owners: [U0DEV, U0DORA]\n    escalation:\n      ack:\n        - notify: [U0LEAD]',
    '  delivery:\n    channel: C0DELIVERY\n    owners: [U0DEV, U0DORA]\n    escalation:\n      ack:\n        - notify: [S0SENIOR]')
  .replace('  delight:\n    channel: C0DELIGHT\n    owners: [U0CARE]',
    '  delight:\n    channel: C0DELIGHT\n    owners: [U0CARE]\n    escalation:\n      ack:\n        - notify: [U0CARE]\n      resolve:\n        - notify: [U0CARE]');

let h: Harness;
// Monday 10:00 in London is 05:00 in New York.
const clock = testClock('2026-11-23T10:00:00Z');
beforeAll(async () => {
  h = await startHarness({ now: clock.now, routing: ROUTING, groups: { S0TRIAGE: ['U0TESS', 'U0TOM'], S0SENIOR: ['U0SVP', 'U0CFO'] } });
});
afterAll(async () => { await h?.stop(); });

async function at(iso: string) {
  clock.set(iso);
  await h.app.sweep();
}
const botThread = (card: SandboxMessage) => h.slack.messagesIn(card.channel, { threadTs: card.ts }).filter((m) => m.user === h.slack.botUserId);
const dmsAbout = (user: string, key: string) => h.slack.dmsTo(user).filter((m) => m.text.includes(`*${key}*`));

async function file(text: string, channel: string) {
  const reply = await h.driver.slash(AGENTS.phone, FRONTLINE_CHANNEL, text);
  const key = /ESC-\d+/.exec((reply.body as { text: string }).text)![0];
  return { card: await postedCard(h, channel, key), key };
}

describe('tiers that reach people who can act', () => {
  it('passes over a lead outside their working hours and tries the next tier, saying so in the thread', async () => {
    // Billing hard: acknowledge within 15 minutes, 24x7. Tier 1 is the lead (New York, 05:15 there); tier 2 the director.
    const { card, key } = await file('billing hard Card charged three times', 'C0BILLING');
    await at('2026-11-23T10:16:00Z');
    const note = botThread(card).at(-1)!.text;
    expect(note).toContain(`${key} missed its acknowledgement target`);
    expect(note).toContain('Escalated to tier 2: <@U0DIRECTOR>. Passed over: <@U0LEAD> (outside working hours).');
    expect(dmsAbout('U0LEAD', key)).toHaveLength(0);
    expect(dmsAbout('U0DIRECTOR', key)).toHaveLength(1);
    expect((await issueByKey(h, key))!.ackTier).toBe(2);
    // Tier 2's own time comes and goes: the director is not told twice.
    await at('2026-11-23T10:50:00Z');
    await h.app.flush();
    expect(dmsAbout('U0DIRECTOR', key)).toHaveLength(1);
  });

  it('passes over someone in do-not-disturb', async () => {
    // Camera hard: tier 1 is the hardware lead, tier 2 (an hour later) the director.
    // A do-not-disturb window as Slack shows it to others, around the app's clock.
    h.slack.doNotDisturb('U0HWLEAD', { from: new Date('2026-11-23T11:00:00Z'), to: new Date('2026-11-23T12:00:00Z') });
    const { card, key } = await file('camera hard Camera battery swelling', 'C0CAMERA');
    await at('2026-11-23T11:06:00Z');
    expect(botThread(card).at(-1)!.text).toContain('Escalated to tier 2: <@U0DIRECTOR>. Passed over: <@U0HWLEAD> (do not disturb).');
    expect(dmsAbout('U0HWLEAD', key)).toHaveLength(0);
    expect(dmsAbout('U0DIRECTOR', key)).toHaveLength(1);
    h.slack.doNotDisturb('U0HWLEAD', undefined);
  });

  it('DMs the members of a user group given as a tier', async () => {
    const { card, key } = await file('delivery hard Courier van on fire', 'C0DELIVERY');
    await at('2026-11-23T11:30:00Z');
    expect(botThread(card).at(-1)!.text).toContain('Escalated to tier 1: <@U0SVP> <@U0CFO>.');
    expect(dmsAbout('U0SVP', key)).toHaveLength(1);
    expect(dmsAbout('U0CFO', key)).toHaveLength(1);
  });

  it('tells the due tier anyway when nobody in the chain can be reached', async () => {
    // Legal's only tier is the general counsel, on mornings; 13:00 in London (their Slack zone) is after hours.
    const { card, key } = await file('legal hard Solicitor letter about a data breach', 'C0LEGAL');
    await at('2026-11-23T13:00:00Z');
    expect(botThread(card).at(-1)!.text).toContain('Escalated to tier 1: <@U0GC>. Nobody in the chain is in working hours or free of do-not-disturb, so they are told anyway.');
    expect(dmsAbout('U0GC', key)).toHaveLength(1);
  });

});

describe('nudges that wait for the claimer', () => {
  it('holds a nudge to a claimer outside their working hours until they start', async () => {
    // Billing medium: resolve within one office day (Mon-Fri 09:00-17:30), so filed Monday 13:16 it is due Tuesday 13:16.
    // Its nudges (Tuesday 09:01 and 12:25) fall before Anna's afternoon; they wait for 13:00, and she gets one.
    clock.set('2026-11-23T13:16:00Z');
    const { card, key } = await file('billing medium Refund to an expired card', 'C0BILLING');
    await h.driver.click('U0ANNA', card, 'issue_claim');
    await h.slack.waitFor('claimed', () => card.history.length === 1);
    expect((await issueByKey(h, key))!.resolveDueAt.toISOString()).toBe('2026-11-24T13:16:00.000Z');
    const nudges = () => botThread(card).filter((m) => m.text.includes('left to resolve'));
    await at('2026-11-24T09:02:00Z');
    await at('2026-11-24T12:30:00Z');
    await h.app.flush();
    expect(nudges()).toHaveLength(0);
    await at('2026-11-24T13:00:00Z');
    const nudge = await h.slack.waitFor('nudge', () => nudges()[0]);
    expect(nudge.text).toContain(`<@U0ANNA> 16m left to resolve ${key}`);
    await at('2026-11-24T13:05:00Z');
    await h.app.flush();
    expect(nudges()).toHaveLength(1);
  });
  it('reads working hours in the person\'s own Slack time zone when the calendar names none', async () => {
    // Wednesday 10:01 in London is within mornings there, but 02:01 in Los Angeles, where Slack says Care is.
    h.slack.setTimezone('U0CARE', 'America/Los_Angeles');
    clock.set('2026-11-25T09:45:00Z');
    const { card, key } = await file('praise hard Customer wants to thank the team', 'C0DELIGHT');
    await at('2026-11-25T10:01:00Z');
    expect(botThread(card).at(-1)!.text).toContain('Escalated to tier 1: <@U0CARE>. Nobody in the chain is in working hours');
    expect(dmsAbout('U0CARE', key)).toHaveLength(1);
  });
});
