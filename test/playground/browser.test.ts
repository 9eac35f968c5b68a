import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPlayground, type Playground } from '../../src/playground/start-playground.js';
import { matrixFrom } from '../support/harness.js';

/**
 * The playground in a real browser: Debian's Chromium driven by playwright-core
 * (browser downloads are impossible here). The page talks to the real app only
 * through the sandbox's signed requests, so these tests go the whole way.
 */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const present = existsSync(CHROMIUM);
const why = `Chromium not found at ${CHROMIUM}; install Debian's chromium (apt-get install -y chromium) to run the browser tests`;
if (!present) console.warn(`SKIPPED: the playground's browser tests: ${why}`);

// The browser reads dates in its own zone, not the matrix's: New York, against a London matrix.
const BROWSER_ZONE = 'America/New_York';

describe.skipIf(!present)(present ? 'the playground in a real browser' : `the playground in a real browser (SKIPPED: ${why})`, () => {
  let playground: Playground;
  let browser: Browser;
  let page: Page;
  let dir: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'frontline-playground-test-'));
    // Monday 10:00 in London: the office calendar is open.
    playground = await startPlayground({ port: 0, start: new Date('2026-11-23T10:00:00Z'), storyPauseMs: 0 });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
    page = await (await browser.newContext({ timezoneId: BROWSER_ZONE, viewport: { width: 1400, height: 900 } })).newPage();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await playground?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const open = (as: string, view: string) => page.goto(`${playground.url}?as=${as}&view=${view}`);
  const card = (key: string) => page.locator('section.channel .message', { has: page.locator('.bk-header', { hasText: new RegExp(`^${key} `) }) });

  /** Types `/escalate …` in #frontline as the phone agent and returns the key Frontline answers with. */
  async function escalate(text: string): Promise<string> {
    await open('U0ALEX', 'C0FRONTLINE');
    const before = await page.locator('.message.ephemeral').count();
    await page.locator('.composer-text').first().fill(`/escalate ${text}`);
    await page.locator('.composer-text').first().press('Enter');
    const answer = page.locator('.message.ephemeral').nth(before);
    await expect.poll(() => answer.textContent(), { timeout: 8000 }).toMatch(/ESC-\d+/);
    return /ESC-\d+/.exec((await answer.textContent())!)![0];
  }

  it('loads a Slack-like workspace: the matrix\'s channels, a DM, the Home tab, the digests, and a person picker', async () => {
    await open('U0ALEX', 'C0FRONTLINE');
    await expect.poll(() => page.title()).toBe('Frontline playground');
    const sidebar = await page.locator('.sidebar').textContent();
    for (const channel of ['# frontline', '# billing', '# camera', '# app', '# triage']) expect(sidebar).toContain(channel);
    expect(sidebar).toContain('Digest inbox');
    expect(sidebar).toContain('Frontline Home tab');
    const people = await page.locator('#as option').allTextContents();
    expect(people).toContain('alex — agent (phone)');
    expect(people.find((p) => p.startsWith('anna'))).toContain('owner of billing');
    expect(people.find((p) => p.startsWith('lead'))).toContain('tier 1 of billing (ack)');
  });

  it('files an escalation typed in the composer, shows its card with dates in the browser\'s zone, and never runs what an agent typed', async () => {
    const key = await escalate('billing medium Charged twice <script>window.pwned = true</script> <img src=x onerror="window.pwned = true"> via:phone');
    await open('U0ANNA', 'C0BILLING');
    const posted = card(key);
    await expect.poll(() => posted.count(), { timeout: 8000 }).toBe(1);
    expect(await posted.textContent()).toContain('Charged twice <script>window.pwned = true</script> <img src=x');
    expect(await page.locator('.messages script, .messages img').count()).toBe(0);
    expect(await page.evaluate(() => (window as unknown as { pwned?: boolean }).pwned)).toBeUndefined();

    // "Acknowledge by": an hour of office time after filing (about 10:00 London), shown as New York reads it.
    const due = posted.locator('.bk-fields div', { hasText: 'Acknowledge by' }).locator('time');
    const at = new Date((await due.getAttribute('datetime'))!);
    expect(at.toISOString()).toMatch(/^2026-11-23T11:0\d/);
    const hhmm = (zone: string) => new Intl.DateTimeFormat('en-GB', { timeZone: zone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(at);
    expect(await due.textContent()).toMatch(new RegExp(`${hhmm(BROWSER_ZONE)}$`));
    expect(hhmm(BROWSER_ZONE)).not.toBe(hhmm('UTC'));
  });

  it('claims an issue as one of the team\'s owners with the card\'s button, and refuses someone else', async () => {
    const key = await escalate('billing easy Refund not received for order 2231 via:email');
    await open('U0CARL', 'C0BILLING');
    await card(key).locator('button[data-action="issue_claim"]').click();
    await expect.poll(() => page.locator('.message.ephemeral').last().textContent(), { timeout: 8000 }).toContain(`may claim ${key}`);

    await open('U0ANNA', 'C0BILLING');
    await card(key).locator('button[data-action="issue_claim"]').click();
    await expect.poll(() => card(key).textContent(), { timeout: 8000 }).toContain('Claimed by @anna');
  });

  it('opens the escalation form for a bare /escalate, shows the chosen category\'s article, submits it, and a thread reply and an :eyes: reaction reach the app', async () => {
    await open('U0SAM', 'C0FRONTLINE');
    await page.locator('.composer-text').first().fill('/escalate');
    await page.locator('.composer-text').first().press('Enter');
    const form = page.locator('.modal');
    await form.waitFor({ timeout: 8000 });
    await form.locator('select[name="v:category"]').selectOption('camera');
    // Choosing the category rebuilds the form with that category's article, as Slack's dispatch_action does.
    await expect.poll(() => form.textContent(), { timeout: 8000 }).toContain('the Camera hardware article');
    await form.locator('input[name="v:level"][value="easy"]').check();
    await form.locator('select[name="v:origin"]').selectOption('instagram');
    await form.locator('input[name="v:summary"]').fill('Night vision stays off on the garden camera');
    await form.locator('button[type="submit"].primary').click();
    await form.waitFor({ state: 'detached', timeout: 8000 });
    const key = /ESC-\d+/.exec((await page.locator('.message.ephemeral').last().textContent())!)![0];

    await open('U0CLEO', 'C0CAMERA');
    await card(key).locator('.thread-link').click();
    await page.locator('.thread-composer .composer-text').fill('Looking at the firmware logs now');
    await page.locator('.thread-composer .composer-text').press('Enter');
    await expect.poll(() => page.locator('.pane.thread .replies').textContent(), { timeout: 8000 }).toContain('Looking at the firmware logs now');

    await card(key).locator('button.react').click();
    await expect.poll(() => card(key).textContent(), { timeout: 8000 }).toContain('Claimed by @cleo');
    expect(await card(key).locator('.reaction').textContent()).toContain('👀 1');
  });

  it('moves the clock past a second escalation\'s acknowledgement target: the lead gets the tier DM', async () => {
    await escalate('billing easy A first, slower issue via:phone');
    const key = await escalate('billing hard Card payments failing for every customer via:phone');
    await page.locator('button[data-move="15m"]').click();
    await page.waitForLoadState();
    await open('U0LEAD', 'D0LEAD');
    const dm = page.locator('.message', { hasText: key });
    await expect.poll(() => dm.count(), { timeout: 8000 }).toBeGreaterThan(0);
    expect(await dm.first().textContent()).toContain('was not acknowledged in time');
  });

  it('shows a typo in the matrix as an inline error at its line, and takes a screenshot', async () => {
    await open('U0ALEX', 'matrix');
    const text = await page.locator('#routing').inputValue();
    const lines = text.split('\n');
    const at = lines.findIndex((l, i) => l.trim() === 'team: billing' && lines[i - 1]!.includes('category: billing }'));
    expect(at).toBeGreaterThan(0);
    lines[at] = lines[at]!.replace('billing', 'biling');
    await page.locator('#routing').fill(lines.join('\n'));
    const problem = page.locator(`#problems .problem[data-line="${at + 1}"]`);
    await expect.poll(() => problem.textContent(), { timeout: 8000 }).toContain('unknown team "biling" (did you mean "billing"?)');

    const shot = join(dir, 'playground.png');
    await page.screenshot({ path: shot, fullPage: true });
    const png = readFileSync(shot);
    expect(png.length).toBeGreaterThan(1000);
    expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  });

  it('explains a route, replays history through an edited matrix, and applies it: later filings follow it, filed issues keep their team', async () => {
    const before = await escalate('camera easy Warranty claim for a cracked lens via:email');
    await open('U0ALEX', 'matrix');
    await page.locator('button[formaction="/matrix/reset"]').click();
    const text = await page.locator('#routing').inputValue();
    const routes = Number(/(\d+) routes/.exec((await page.locator('#problems').textContent())!)![1]);
    const edited = text.replace('routes:\n', 'routes:\n  - when: { text: "warranty" }\n    team: legal\n');
    expect(edited).not.toBe(text);
    await page.locator('#routing').fill(edited);
    await expect.poll(() => page.locator('#problems').textContent(), { timeout: 8000 }).toContain(`check: OK. ${Object.keys(matrixFrom(edited).teams).length} teams, ${routes + 1} routes.`);

    await page.locator('#explain-category').selectOption('camera');
    await page.locator('#explain-level').selectOption('easy');
    await page.locator('.explain-form input[name="text"]').fill('Warranty for a lens');
    await page.locator('.explain-form button').click();
    const explained = await page.locator('.explain-result').textContent();
    expect(explained).toContain('routes[0] -> legal: MATCH');
    expect(explained).toContain('text matches /warranty/i at "Warranty"');
    expect(explained).toMatch(/acknowledge by .*\(4h\)/);

    await page.locator('button[formaction="/matrix/replay"]').click();
    const replayed = await page.locator('.replay-result').textContent();
    expect(replayed).toMatch(/Replayed \d+ issues? filed/);
    expect(replayed).toMatch(/camera -> legal: 1 .*e\.g\. ESC-\d+ "Warranty claim for a cracked lens"/);

    await page.locator('button[formaction="/matrix/apply"]').click();
    expect(await page.locator('.editor-message').textContent()).toContain('Applied');
    const after = await escalate('camera easy Warranty claim for a scratched housing via:email');
    await open('U0COUNSEL', 'C0LEGAL');
    await expect.poll(() => card(after).count(), { timeout: 8000 }).toBe(1);
    await open('U0CARL', 'C0CAMERA');
    expect(await card(before).count()).toBe(1);
    expect(await card(after).count()).toBe(0);
  });

  it('plays the story while the page watches, caption by caption, to the digest', async () => {
    await open('U0ANNA', 'C0BILLING');
    await page.locator('.story button').click();
    await expect.poll(() => page.locator('.story-caption').textContent(), { timeout: 30_000, interval: 200 }).toContain('The end.');
    await playground.storyDone();
    const claimed = page.locator('section.channel .message', { hasText: 'Customer charged twice for order 1182' });
    expect(await claimed.last().textContent()).toContain('Resolved by @anna');
    await open('U0ALEX', 'digests');
    expect(await page.locator('.digest .bk-header', { hasText: /^Digest (billing-daily|support-weekly)/ }).count()).toBeGreaterThan(0);
  }, 40_000);
});
