import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SandboxMessage } from '../../src/sandbox/slack-server.js';
import { AGENTS, FRONTLINE_CHANNEL } from '../../src/sandbox/workspace.js';
import { testClock } from '../support/clock.js';
import { startHarness, type Harness } from '../support/harness.js';
import { clickWhenShown, eventTypes, issueByKey, postedCard, askCustomer } from '../support/queries.js';

/**
 * Defects found when Frontline was tried as a new user would, each driven
 * through Slack as it happened. These failed before the issue became one model.
 */

async function file(h: Harness, text: string, channel: string): Promise<{ card: SandboxMessage; key: string }> {
  const reply = await h.driver.slash(AGENTS.phone, FRONTLINE_CHANNEL, text);
  const key = /ESC-\d+/.exec((reply.body as { text: string }).text)![0];
  return { card: await postedCard(h, channel, key), key };
}
const statusOf = async (h: Harness, key: string) => (await issueByKey(h, key))!.status;
async function claimBy(h: Harness, card: SandboxMessage, key: string, user: string) {
  await clickWhenShown(h, user, card, 'issue_claim');
  await h.slack.waitFor(`${key} claimed by ${user}`, async () => (await issueByKey(h, key))!.claimerId === user);
}
async function resolveBy(h: Harness, card: SandboxMessage, key: string, user: string, note: string) {
  await clickWhenShown(h, user, card, 'issue_resolve');
  await h.slack.waitFor('resolve form', () => h.slack.openViewOf(user));
  await h.driver.submit(user, { note });
  await h.slack.waitFor(`${key} resolved`, async () => (await statusOf(h, key)) === 'resolved');
}
/** The manager's digest so far, as /escalate digest shows it. */
async function digestSoFar(h: Harness): Promise<string> {
  const reply = await h.driver.slash('U0MANAGER', FRONTLINE_CHANNEL, 'digest support-weekly');
  return JSON.stringify((await h.slack.waitFor('digest', () => h.slack.answerTo(reply))).blocks);
}

describe('handing back an issue that waits on the customer', () => {
  let h: Harness;
  const clock = testClock('2026-11-23T09:00:30Z'); // Monday, just after the weekly digest's slot
  beforeAll(async () => { h = await startHarness({ now: clock.now }); });
  afterAll(async () => { await h?.stop(); });

  it('ends the pause, so the digest leaves out only the time spent waiting', async () => {
    clock.set('2026-11-23T10:00:00Z');
    const { card, key } = await file(h, 'billing medium Card declined twice', 'C0BILLING');
    clock.set('2026-11-23T10:30:00Z');
    await claimBy(h, card, key, 'U0ANNA');
    clock.set('2026-11-23T11:00:00Z');
    await h.driver.reply('U0ANNA', card, 'waiting Which card did she use?');
    await h.slack.waitFor('waiting', async () => (await statusOf(h, key)) === 'waiting');
    clock.set('2026-11-23T12:00:00Z');
    await h.driver.reply('U0ANNA', card, 'unclaim');
    await h.slack.waitFor('handed back', async () => (await issueByKey(h, key))!.claimerId === null);
    expect(await issueByKey(h, key)).toMatchObject({ pausedAt: null, resolveRemainingMs: null });

    clock.set('2026-11-23T12:10:00Z');
    await claimBy(h, card, key, 'U0BEN');
    clock.set('2026-11-23T13:00:00Z');
    await resolveBy(h, card, key, 'U0BEN', 'Card replaced.');
    // Three hours from filing, one of them waiting on the customer: two hours to resolve.
    expect(await digestSoFar(h)).toContain('resolve 2 h (p90 2 h, 1)');
  });
});

describe('an issue resolved, reopened and resolved again', () => {
  let h: Harness;
  const clock = testClock('2026-11-23T09:00:30Z');
  beforeAll(async () => { h = await startHarness({ now: clock.now }); });
  afterAll(async () => { await h?.stop(); });

  it('counts as two resolutions in every section of the digest', async () => {
    clock.set('2026-11-23T10:00:00Z');
    const { card, key } = await file(h, 'billing medium Refund never arrived', 'C0BILLING');
    clock.set('2026-11-23T10:10:00Z');
    await claimBy(h, card, key, 'U0BEN');
    clock.set('2026-11-23T11:00:00Z');
    await resolveBy(h, card, key, 'U0BEN', 'Refund sent.');
    const dm = await h.slack.waitFor('resolution DM', () => h.slack.dmsTo(AGENTS.phone).find((m) => m.text.includes(`*${key}* is resolved`)));
    clock.set('2026-11-23T11:30:00Z');
    await h.driver.click(AGENTS.phone, dm, 'issue_reopen');
    await h.slack.waitFor('reopen form', () => h.slack.openViewOf(AGENTS.phone));
    await h.driver.submit(AGENTS.phone, { reason: 'Still nothing in her account.' });
    await h.slack.waitFor('reopened', async () => (await statusOf(h, key)) === 'claimed');
    clock.set('2026-11-23T12:00:00Z');
    await resolveBy(h, card, key, 'U0BEN', 'Refund sent by cheque.');

    const digest = await digestSoFar(h);
    expect(digest).toContain('resolved *2*');
    expect(digest).toContain('reopened *1*');
    // 60 and 30 minutes: median 45, counted twice for the team, the level, the origin and the person.
    expect(digest).toContain('*billing*: acknowledge 10 min (p90 10 min, 1) · resolve 45 min (p90 57 min, 2)');
    expect(digest).toContain('level *medium*: acknowledge 10 min (p90 10 min, 1) · resolve 45 min (p90 57 min, 2)');
    expect(digest).toContain('*other*: acknowledge 10 min (1) · resolve 45 min (2)');
    expect(digest).toContain('Most resolved: <@U0BEN> (2)');
  });
});

describe('replayed clicks and forms', () => {
  let h: Harness;
  const clock = testClock('2026-11-23T10:00:00Z');
  beforeAll(async () => { h = await startHarness({ now: clock.now }); });
  afterAll(async () => { await h?.stop(); });

  it('does not act again when an Unclaim click is replayed after the issue was claimed again', async () => {
    const { card, key } = await file(h, 'billing medium Replay unclaim', 'C0BILLING');
    await claimBy(h, card, key, 'U0ANNA');
    const unclaim = await clickWhenShown(h, 'U0ANNA', card, 'issue_unclaim');
    await h.slack.waitFor('handed back', async () => (await issueByKey(h, key))!.claimerId === null);
    await claimBy(h, card, key, 'U0ANNA');

    expect((await h.driver.resend(unclaim.request)).status).toBe(200);
    await h.app.flush();
    expect(await issueByKey(h, key)).toMatchObject({ status: 'claimed', claimerId: 'U0ANNA' });
    expect((await eventTypes(h, (await issueByKey(h, key))!.id)).filter((e) => e === 'unclaimed')).toHaveLength(1);
  });

  it('does not act again when a Waiting form is replayed after the issue resumed', async () => {
    const { card, key } = await file(h, 'billing medium Replay waiting', 'C0BILLING');
    await claimBy(h, card, key, 'U0ANNA');
    const waiting = await askCustomer(h, 'U0ANNA', card);
    await h.slack.waitFor('waiting', async () => (await statusOf(h, key)) === 'waiting');
    await h.driver.reply('U0ANNA', card, 'resume');
    await h.slack.waitFor('resumed', async () => (await statusOf(h, key)) === 'claimed');

    await h.driver.resend(waiting.request);
    await h.app.flush();
    expect(await statusOf(h, key)).toBe('claimed');
    expect((await eventTypes(h, (await issueByKey(h, key))!.id)).filter((e) => e === 'paused')).toHaveLength(1);
  });

  it('does not reopen again when a reopen form is replayed after the issue was resolved again', async () => {
    const { card, key } = await file(h, 'billing medium Replay reopen', 'C0BILLING');
    await claimBy(h, card, key, 'U0ANNA');
    await resolveBy(h, card, key, 'U0ANNA', 'Refunded.');
    const dm = await h.slack.waitFor('resolution DM', () => h.slack.dmsTo(AGENTS.phone).find((m) => m.text.includes(`*${key}* is resolved`)));
    await h.driver.click(AGENTS.phone, dm, 'issue_reopen');
    await h.slack.waitFor('reopen form', () => h.slack.openViewOf(AGENTS.phone));
    const reopen = await h.driver.submit(AGENTS.phone, { reason: 'Still charged.' });
    await h.slack.waitFor('reopened', async () => (await statusOf(h, key)) === 'claimed');
    await resolveBy(h, card, key, 'U0ANNA', 'Refunded again.');

    expect((await h.driver.resend(reopen.request)).status).toBe(200);
    await h.app.flush();
    expect(await issueByKey(h, key)).toMatchObject({ status: 'resolved', reopenCount: 1 });
  });
});

describe('hostile and unusual input', () => {
  let h: Harness;
  beforeAll(async () => { h = await startHarness(); });
  afterAll(async () => { await h?.stop(); });

  it.each(['__proto__', 'constructor', 'toString'])('answers a reroute to the team "%s" with "unknown team", on the form', async (team) => {
    const { card, key } = await file(h, `billing medium Reroute to ${team}`, 'C0BILLING');
    await clickWhenShown(h, 'U0ANNA', card, 'issue_reroute');
    await h.slack.waitFor('reroute form', () => h.slack.openViewOf('U0ANNA'));
    const reply = await h.driver.submit('U0ANNA', { team, reason: 'Looks like theirs' });
    expect(reply.body).toEqual({ response_action: 'errors', errors: { team: `There is no team "${team}" in the routing matrix.` } });
    expect(await issueByKey(h, key)).toMatchObject({ team: 'billing', rerouteCount: 0 });
    h.slack.openViewOf('U0ANNA')!.open = false;
  });

  it('files text with control characters, without them', async () => {
    const reply = await h.driver.slash(AGENTS.phone, FRONTLINE_CHANNEL, 'billing hard Charged\u0000 twice\u0007 for order 77');
    expect((reply.body as { text: string }).text).toMatch(/ESC-\d+\* is filed/);
    const key = /ESC-\d+/.exec((reply.body as { text: string }).text)![0];
    expect((await issueByKey(h, key))!.summary).toBe('Charged twice for order 77');

    await h.driver.slash(AGENTS.phone, FRONTLINE_CHANNEL, '');
    await h.slack.waitFor('form', () => h.slack.openViewOf(AGENTS.phone));
    const submitted = await h.driver.submit(AGENTS.phone, {
      category: 'billing', level: 'easy', origin: 'email', summary: 'Null\u0000 in the form', details: 'Line one\nline\u0000 two',
    });
    expect(submitted.body).toBe('');
  });

  it('tells an outsider nothing about an issue that exists', async () => {
    const { key } = await file(h, 'legal hard Private matter', 'C0LEGAL');
    const outsider = await h.driver.slash('U0CARL', FRONTLINE_CHANNEL, `show ${key}`);
    const missing = await h.driver.slash('U0CARL', FRONTLINE_CHANNEL, 'show ESC-9999');
    const told = (await h.slack.waitFor('answer', () => h.slack.answerTo(outsider))).text;
    const toldMissing = (await h.slack.waitFor('answer', () => h.slack.answerTo(missing))).text;
    expect(told.replace(key, 'ESC-n')).toBe(toldMissing.replace('ESC-9999', 'ESC-n'));
    expect(told).not.toContain('C0LEGAL');
    expect(told).not.toContain(AGENTS.phone);
  });
});
