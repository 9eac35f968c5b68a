import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FRONTLINE_CHANNEL } from '../../src/sandbox/workspace.js';
import { MINUTE, testClock } from '../support/clock.js';
import { startHarness, type Harness } from '../support/harness.js';
import { eventTypes, issueByKey, postedCard } from '../support/queries.js';
import { issueEvents } from '../../src/db/schema.js';
import { eq } from 'drizzle-orm';

const BIN = fileURLToPath(new URL('../../bin/frontline.js', import.meta.url));

/** A customer's data, erased on request and exported, through the real command against the bot's database. */
describe('frontline forget and export', () => {
  let h: Harness;
  const clock = testClock('2026-11-23T10:00:00Z');
  beforeAll(async () => { h = await startHarness({ now: clock.now, persistent: true }); });
  afterAll(async () => { await h?.stop(); });

  const run = (args: string[]) => new Promise<{ code: number | null; stdout: string; stderr: string }>((done) => {
    const child = spawn(process.execPath, [BIN, ...args], { env: { PATH: process.env.PATH!, ...h.storage } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => (stdout += c));
    child.stderr.on('data', (c) => (stderr += c));
    child.on('exit', (code) => done({ code, stdout, stderr }));
  });

  async function fileByForm(user: string, values: Record<string, string>) {
    await h.driver.slash(user, FRONTLINE_CHANNEL, '');
    const form = await h.slack.waitFor('form', () => h.slack.openViewOf(user));
    expect((await h.driver.submit(user, values, { view: form })).body).toBe('');
  }

  it('erases the customer\'s text from every issue with their reference, keeps the figures, and exports the rest', async () => {
    await fileByForm('U0ALEX', { category: 'billing', level: 'easy', origin: 'phone', summary: 'Jane Doe was charged twice', details: 'Card ending 4242', customer_ref: 'ACME-77' });
    await fileByForm('U0SAM', { category: 'billing', level: 'easy', origin: 'email', summary: 'Refund for J. Doe', customer_ref: ' acme-77 ' });
    await fileByForm('U0SAM', { category: 'billing', level: 'easy', origin: 'email', summary: 'Another customer entirely', customer_ref: 'OTHER-1' });
    const card = await postedCard(h, 'C0BILLING', 'ESC-1');
    clock.advance(30 * MINUTE);
    await h.driver.click('U0ANNA', card, 'issue_resolve');
    const view = await h.slack.waitFor('resolve form', () => h.slack.openViewOf('U0ANNA'));
    await h.driver.submit('U0ANNA', { note: 'Tell Jane the duplicate is refunded to card 4242.' }, { view });
    await h.slack.waitFor('resolved', async () => (await issueByKey(h, 'ESC-1'))!.status === 'resolved');
    await h.app.flush();
    await h.app.stop(); // PGlite serves one process: the commands open the same data

    const forgot = await run(['forget', '--customer-ref', 'ACME-77']);
    expect(forgot.stderr).toBe('');
    expect(forgot.stdout).toBe('Erased the customer\'s text from 2 issues (ESC-1, ESC-2): summary, details, customer reference and notes, in the database; '
      + 'the figures are kept. Their cards in Slack are rewritten by the running bot.\n');
    expect(await run(['forget', '--customer-ref', 'NOBODY'])).toMatchObject({ code: 0, stdout: 'No issue has the customer reference "NOBODY": nothing erased.\n' });
    expect(await run(['forget'])).toMatchObject({ code: 1, stderr: 'frontline: give --customer-ref REF or --issue ESC-n (one of them)\n' });

    const json = await run(['export', '--from', '2026-11-23', '--to', '2026-11-24']);
    expect(json.code).toBe(0);
    const exported = JSON.parse(json.stdout) as Array<Record<string, any>>;
    expect(exported.map((i) => [i.key, i.summary, i.customerRef])).toEqual([
      ['ESC-1', '[erased]', '[erased]'], ['ESC-2', '[erased]', '[erased]'], ['ESC-3', 'Another customer entirely', 'OTHER-1'],
    ]);
    const first = exported[0]!;
    expect(first).toMatchObject({ details: '[erased]', resolution: '[erased]', resolvedBy: 'U0ANNA' });
    expect(first.timeline.map((e: { type: string }) => e.type)).toEqual(['filed', 'routed', 'posted', 'claimed', 'resolved', 'erased']);
    // The figures stay: the acknowledgement and the resolution keep their times; the note is gone.
    const resolved = first.timeline.find((e: { type: string }) => e.type === 'resolved');
    expect(resolved.details).toMatchObject({ note: '[erased]', resolveMs: 30 * MINUTE, late: false });
    expect(JSON.stringify(exported.slice(0, 2))).not.toMatch(/Jane|Doe|4242/);

    const csv = await run(['export', '--format', 'csv', '--from', '2026-11-23', '--to', '2026-11-24']);
    const rows = csv.stdout.trimEnd().split('\n');
    expect(rows[0]).toBe('key,filedAt,team,category,level,origin,status,summary,details,customerRef,agentId,claimedBy,claimedAt,resolvedBy,resolvedAt,resolution,parent,eventType,eventAt,eventActor,eventDetails');
    expect(rows.filter((r) => r.startsWith('ESC-3,'))).toHaveLength(3); // filed, routed, posted
    expect(rows.find((r) => r.startsWith('ESC-3,') && r.includes(',filed,'))).toContain(',Another customer entirely,,OTHER-1,U0SAM,');

    await h.restart();
    expect(await eventTypes(h, (await issueByKey(h, 'ESC-1'))!.id)).toContain('erased');
    const erasedEvent = await h.app.database.db.select().from(issueEvents).where(eq(issueEvents.type, 'erased'));
    expect(erasedEvent).toHaveLength(2);
  }, 60_000);
});
