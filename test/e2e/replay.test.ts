import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { replayPeriod, replayText } from '../../src/replay-command.js';
import { FRONTLINE_CHANNEL } from '../../src/sandbox/workspace.js';
import { testClock } from '../support/clock.js';
import { EXAMPLE_ROUTING, matrixFrom, startHarness, type Harness } from '../support/harness.js';
import { clickWhenShown, issueByKey, postedCard } from '../support/queries.js';

/**
 * A history made through the app on a controlled clock, replayed against a
 * changed matrix: medium is 30m / 4h instead of 1h / 1d, camera issues go to
 * the app team, and delivery has no route of its own (so the catch-all takes it).
 * Office hours (routing.example.yml): Mon-Fri 09:00-17:30, Europe/London (UTC in November).
 */
const NEW_ROUTING = EXAMPLE_ROUTING
  .replace('medium: { label: "Medium: needs product input",   ack: 1h,  resolve: 1d, calendar: office }', 'medium: { label: "Medium: needs product input",   ack: 30m, resolve: 4h, calendar: office }')
  .replace('  - when: { category: camera }\n    team: camera', '  - when: { category: camera }\n    team: app')
  .replace('  - when: { category: delivery }\n    team: delivery\n', '');

let h: Harness;
const clock = testClock('2026-11-23T10:00:00Z'); // Monday
const BIN = fileURLToPath(new URL('../../bin/frontline.js', import.meta.url));
beforeAll(async () => { h = await startHarness({ now: clock.now, persistent: true }); });
afterAll(async () => { await h?.stop(); });

async function file(text: string, channel: string) {
  const reply = await h.driver.slash('U0ALEX', FRONTLINE_CHANNEL, text);
  const key = /ESC-\d+/.exec((reply.body as { text: string }).text)![0];
  return { key, card: await postedCard(h, channel, key) };
}
const at = (hhmm: string) => clock.set(`2026-11-23T${hhmm}:00Z`);

/** Each step is waited for before the clock moves on: a click is acknowledged before it is carried out. */
async function seedHistory() {
  const refund = await file('billing medium Refund not received', 'C0BILLING');
  const parcel = await file('delivery medium Parcel lost in the depot', 'C0DELIVERY');
  await file('camera easy Lens fogs up at night', 'C0CAMERA');
  const invoice = await file('billing medium Invoice shows the wrong address', 'C0BILLING');
  at('10:10');
  await h.driver.click('U0BEN', invoice.card, 'issue_claim');
  await statusIs(invoice.key, 'claimed');
  at('10:20');
  await h.driver.click('U0DEV', parcel.card, 'issue_claim');
  await statusIs(parcel.key, 'claimed');
  at('10:30');
  await h.driver.reply('U0BEN', invoice.card, 'waiting Which address should it show?');
  await statusIs(invoice.key, 'waiting');
  at('10:40');
  await h.driver.click('U0ANNA', refund.card, 'issue_claim');
  await statusIs(refund.key, 'claimed');
  at('15:00');
  await resolve('U0ANNA', refund.card, 'Refund sent again.');
  at('16:30');
  await clickWhenShown(h, 'U0BEN', invoice.card, 'issue_resume');
  await statusIs(invoice.key, 'claimed');
  at('17:00');
  await resolve('U0BEN', invoice.card, 'Corrected invoice sent.');
  at('17:10');
}

const statusIs = (key: string, status: string) => h.slack.waitFor(`${key} ${status}`, async () => (await issueByKey(h, key))?.status === status);

async function resolve(user: string, card: Parameters<Harness['driver']['click']>[1], note: string) {
  await h.driver.click(user, card, 'issue_resolve');
  const view = await h.slack.waitFor('resolve form', () => h.slack.openViewOf(user));
  expect((await h.driver.submit(user, { note }, { view })).body).toBe('');
}

describe('frontline replay', () => {
  it('says what a changed matrix would have done, with the figures worked out by hand', async () => {
    await seedHistory();
    const replay = await replayPeriod(h.app.database.db, matrixFrom(NEW_ROUTING), new Date('2026-11-23T00:00:00Z'), new Date('2026-11-24T00:00:00Z'), clock.now());
    expect(replay.issues).toBe(4);
    expect(replay.moved.map((m) => `${m.from} -> ${m.to}: ${m.count}`)).toEqual(['camera -> app: 1', 'delivery -> triage: 1']);
    expect(replay.catchAll).toMatchObject({ count: 1, examples: [{ key: 'ESC-2' }] });
    expect(replay.load).toEqual([
      { team: 'app', before: 0, after: 1 }, { team: 'billing', before: 2, after: 2 }, { team: 'camera', before: 1, after: 0 },
      { team: 'delivery', before: 1, after: 0 }, { team: 'triage', before: 0, after: 1 },
    ]);
    // Refund: claimed after 40 min (target 30m: missed), resolved after 5 open hours (4h: missed).
    // Invoice: 7 open hours, of which 6 waiting on the customer: 1 h, within 4h. Parcel: open 7 h 10 min, over 4h.
    // The camera issue was never claimed: its easy 4h target passed at 14:00, under both matrices.
    expect(replay.missed).toEqual([
      { team: 'app', level: 'easy', issuesBefore: 0, issuesAfter: 1, ackMissedBefore: 0, ackMissedAfter: 1, resolveMissedBefore: 0, resolveMissedAfter: 0 },
      { team: 'billing', level: 'medium', issuesBefore: 2, issuesAfter: 2, ackMissedBefore: 0, ackMissedAfter: 1, resolveMissedBefore: 0, resolveMissedAfter: 1 },
      { team: 'camera', level: 'easy', issuesBefore: 1, issuesAfter: 0, ackMissedBefore: 1, ackMissedAfter: 0, resolveMissedBefore: 0, resolveMissedAfter: 0 },
      { team: 'delivery', level: 'medium', issuesBefore: 1, issuesAfter: 0, ackMissedBefore: 0, ackMissedAfter: 0, resolveMissedBefore: 0, resolveMissedAfter: 0 },
      { team: 'triage', level: 'medium', issuesBefore: 0, issuesAfter: 1, ackMissedBefore: 0, ackMissedAfter: 0, resolveMissedBefore: 0, resolveMissedAfter: 1 },
    ]);
    expect(replay.totals).toEqual({ ackMissedBefore: 1, ackMissedAfter: 2, resolveMissedBefore: 0, resolveMissedAfter: 2 });

    const text = replayText(replay, 'new.yml', { from: new Date('2026-11-23T00:00:00Z'), to: new Date('2026-11-24T00:00:00Z') }, 'Europe/London');
    expect(text).toContain('Replayed 4 issues filed 2026-11-23 00:00 – 2026-11-24 00:00 (Europe/London) against new.yml.');
    expect(text).toContain('  camera -> app: 1  e.g. ESC-3 "Lens fogs up at night"');
    expect(text).toContain('  billing   medium  2       0 -> 1      0 -> 1');
    expect(text).toContain('Total: acknowledgements missed 1 -> 2, resolutions missed 0 -> 2.');
    expect(text).toContain('Matching only the catch-all route: 1  e.g. ESC-2 "Parcel lost in the depot"');
  });

  it('runs as a command, prints JSON, and exits 2 when a --fail-if condition holds', async () => {
    await h.app.stop(); // PGlite serves one process: the command opens the same data
    const dir = mkdtempSync(join(tmpdir(), 'frontline-replay-'));
    writeFileSync(join(dir, 'new.yml'), NEW_ROUTING);
    const run = (args: string[]) => new Promise<{ code: number | null; stdout: string; stderr: string }>((done) => {
      const child = spawn(process.execPath, [BIN, 'replay', '--matrix', join(dir, 'new.yml'), '--from', '2026-11-23', '--to', '2026-11-24', '--as-of', '2026-11-23T17:10:00Z', ...args], {
        env: { PATH: process.env.PATH!, ...h.storage },
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (c) => (stdout += c));
      child.stderr.on('data', (c) => (stderr += c));
      child.on('exit', (code) => done({ code, stdout, stderr }));
    });
    const held = await run(['--json', '--fail-if', 'missed-increase>5%', '--fail-if', 'moved>5']);
    expect(held.code).toBe(2);
    expect(JSON.parse(held.stdout)).toMatchObject({ issues: 4, totals: { ackMissedBefore: 1, ackMissedAfter: 2 }, failed: [{ condition: 'missed-increase>5%', value: 300 }] });
    expect(held.stderr).toBe('frontline: --fail-if missed-increase>5% holds (300.0%)\n');
    const fine = await run(['--fail-if', 'catch-all>1']);
    expect(fine.code).toBe(0);
    expect(fine.stdout).toContain('Would go to another team: 2');
    const wrong = await run(['--fail-if', 'missed>>1']);
    expect(wrong).toMatchObject({ code: 1, stdout: '' });
    expect(wrong.stderr).toContain('frontline: --fail-if "missed>>1" is not a condition');
  }, 60_000);
});
