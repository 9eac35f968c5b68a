import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AGENTS, FRONTLINE_CHANNEL } from '../../src/sandbox/workspace.js';
import { EXAMPLE_ROUTING, startHarness, type Harness } from '../support/harness.js';
import { killProcessesAfterEach, spawnForTest } from '../support/processes.js';

/**
 * What an attacker, or a very unlucky agent, can send: a routing pattern that
 * backtracks exponentially in JavaScript's RegExp, and two thousand signed
 * payloads of nonsense. Every answer comes within Slack's 3 seconds, as a 2xx
 * or 4xx, with no stack trace, and no half-made issue is left behind.
 */

/** A text route whose pattern takes exponential time on "aaaa…!" with a backtracking engine. */
const EVIL = EXAMPLE_ROUTING.replace('routes:\n', 'routes:\n  - when: { text: "(a+)+$" }\n    team: legal\n');

describe('a routing pattern that backtracks', () => {
  let h: Harness;
  beforeAll(async () => { h = await startHarness({ routing: EVIL }); });
  afterAll(async () => { await h?.stop(); });

  it('routes a 3,000-character details field within Slack\'s 3 seconds', async () => {
    await h.driver.slash(AGENTS.phone, FRONTLINE_CHANNEL, '');
    await h.slack.waitFor('form', () => h.slack.openViewOf(AGENTS.phone));
    // The driver fails any answer slower than 3 s; a backtracking match here takes minutes.
    const reply = await h.driver.submit(AGENTS.phone, {
      category: 'billing', level: 'easy', origin: 'chat', summary: 'Long details', details: `${'a'.repeat(2_999)}!`,
    });
    expect(reply.body).toBe('');
    const card = await h.slack.waitFor('card', () => h.slack.messagesIn('C0BILLING').find((m) => m.text.includes('Long details')));
    expect(card).toBeDefined(); // "aaa…!" does not end in a's: not legal's
  });
});

describe('frontline explain with that pattern', () => {
  const dir = mkdtempSync(join(tmpdir(), 'frontline-evil-'));
  killProcessesAfterEach();
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('answers at once', async () => {
    writeFileSync(join(dir, 'routing.yml'), EVIL);
    const bin = fileURLToPath(new URL('../../bin/frontline.js', import.meta.url));
    const child = spawnForTest(process.execPath, [bin, 'explain', '--category', 'billing', '--level', 'easy', '--text', `${'a'.repeat(27)}!`, '--file', join(dir, 'routing.yml')],
      { cwd: dir, env: { PATH: process.env.PATH! } });
    let out = '';
    child.stdout!.on('data', (c) => (out += c));
    const code = await new Promise((resolve) => child.on('close', resolve));
    expect(code).toBe(0);
    expect(out).toContain('routes[0] -> legal: no match');
    expect(out).toContain('text does not match /(a+)+$/i');
  });
});

/** A small seeded generator, so the fuzz run is the same every time. */
function seeded(seed: number) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  const pick = <T>(list: readonly T[]): T => list[int(list.length)]!;
  const PIECES = ['billing', 'hard', 'easy', 'via:twitter', 'via:', 'show', 'mine', 'digest', 'help', 'ESC-1', 'ESC-99999999999999', '<!channel>',
    '<@U0ANNA>', '__proto__', 'constructor', '\u0000', '\u202e', '😀', 'a'.repeat(500), '%', '&amp;', '"', '\\', '\n', 'DROP TABLE issues;', '{{x}}'];
  const text = () => Array.from({ length: int(8) }, () => (next() < 0.7 ? pick(PIECES) : String.fromCharCode(int(0xffff)))).join(next() < 0.5 ? ' ' : '');
  const junk = (): unknown => pick([null, 0, -1, 1e308, '', text(), [], {}, [text()], { value: text() }, true, { selected_option: { value: text() } }]);
  return { next, int, pick, text, junk };
}

describe('two thousand hostile payloads', () => {
  let h: Harness;
  beforeAll(async () => { h = await startHarness(); });
  afterAll(async () => { await h?.stop(); });

  it('answers each within 3 s with a 2xx or 4xx, shows no stack trace, and leaves no half-made issue', async () => {
    const r = seeded(20261202);
    const users = [AGENTS.phone, 'U0ANNA', 'U0NOBODY', ''];
    const actions = ['issue_claim', 'issue_unclaim', 'issue_resolve', 'issue_reroute', 'issue_wait', 'issue_resume', 'issue_reopen', 'no_such_action'];
    const callbacks = ['escalate_modal', 'resolve_modal', 'reroute_modal', 'reopen_modal', 'no_such_modal'];
    const form = (fields: Record<string, unknown>) => new URLSearchParams(Object.entries(fields).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)])).toString();
    const interactive = (payload: unknown) => form({ payload });

    const payloads: Array<{ body: string; type: string }> = [];
    for (let i = 0; i < 2_000; i++) {
      const user = r.pick(users);
      switch (r.int(5)) {
        case 0:
          payloads.push({ type: 'application/x-www-form-urlencoded', body: form({
            command: '/escalate', text: r.text(), user_id: user, channel_id: r.pick([FRONTLINE_CHANNEL, 'C0BILLING', 'CNOPE']),
            trigger_id: r.next() < 0.9 ? `${i}.${r.int(1e9)}` : '', response_url: r.pick([h.slack.issueResponseUrl(FRONTLINE_CHANNEL, user), 'not a url', '']),
            team_id: h.slack.teamId, api_app_id: 'A0FRONTLINE',
          }) });
          break;
        case 1:
          payloads.push({ type: 'application/x-www-form-urlencoded', body: interactive({
            type: 'block_actions', user: r.next() < 0.9 ? { id: user } : r.junk(), trigger_id: `${i}.t`, team: { id: h.slack.teamId },
            actions: [{ action_id: r.pick(actions), block_id: r.text(), value: r.pick([String(r.int(5)), '0', '-3', '1e99', r.text(), '']), action_ts: String(i) }],
            response_url: h.slack.issueResponseUrl('C0BILLING', user),
          }) });
          break;
        case 2:
          payloads.push({ type: 'application/x-www-form-urlencoded', body: interactive({
            type: 'view_submission', user: { id: user }, team: { id: h.slack.teamId }, trigger_id: `${i}.v`,
            view: {
              id: `V${i}`, callback_id: r.pick(callbacks), private_metadata: r.pick(['', '{"issueId":1}', '{"issueId":"x"}', r.text(), '{"responseUrl":"javascript:1"}']),
              state: r.next() < 0.8
                ? { values: Object.fromEntries(['category', 'level', 'origin', 'summary', 'details', 'customer_ref', 'note', 'reason', 'team', r.text()]
                  .filter(() => r.next() < 0.7).map((block) => [block, { value: r.junk() }])) }
                : r.junk(),
            },
          }) });
          break;
        case 3:
          payloads.push({ type: 'application/json', body: JSON.stringify({
            type: 'event_callback', team_id: h.slack.teamId, api_app_id: 'A0FRONTLINE', event_id: `Ev${i}`, event_time: 1,
            event: r.pick([
              { type: 'message', channel: r.pick(['C0BILLING', 'D0ALEX', r.text()]), user: r.junk(), text: r.text(), ts: `${i}.1`, thread_ts: r.pick([undefined, `${r.int(9)}.1`]), channel_type: r.pick(['im', 'channel', r.junk()]) },
              { type: 'reaction_added', user, reaction: r.pick(['eyes', r.text()]), item: r.pick([{ type: 'message', channel: 'C0BILLING', ts: '1.1' }, r.junk()]) },
              { type: r.text(), whatever: r.junk() },
              { type: 'app_home_opened', user, tab: r.pick(['home', 'messages', r.junk()]) },
            ]),
          }) });
          break;
        default:
          payloads.push({ type: r.pick(['application/json', 'application/x-www-form-urlencoded']), body: r.pick([r.text(), '{', 'payload={"type":', '{"type":"url_verification","challenge":"x"}', JSON.stringify(r.junk())]) });
      }
    }

    const answers: Array<{ status: number; text: string; sent: { body: string; type: string } }> = [];
    const queue = [...payloads];
    await Promise.all([0, 1, 2, 3].map(async () => {
      for (let p = queue.shift(); p; p = queue.shift()) {
        const reply = await h.driver.post(p.body, p.type).catch((error: Error) => {
          throw new Error(`${error.message}: ${p.type} ${decodeURIComponent(p.body).slice(0, 300)}`);
        }); // fails the test if the answer takes over 3 s
        answers.push({ status: reply.status, text: typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body), sent: p });
      }
    }));
    await h.app.flush();

    expect(answers).toHaveLength(2_000);
    const statuses = new Set(answers.map((a) => a.status));
    const failed = answers.filter((a) => a.status >= 500).map((a) => `${a.status} ${a.sent.type} ${a.sent.body.slice(0, 400)}`);
    expect(failed, `statuses: ${[...statuses].join(', ')}`).toEqual([]);
    const stack = /\n\s+at |Error: |\.ts:\d+/;
    expect(answers.filter((a) => stack.test(a.text))).toEqual([]);
    expect(h.slack.ephemerals.filter((e) => stack.test(e.text)).map((e) => e.text)).toEqual([]);
    expect(h.slack.messages.filter((m) => stack.test(m.text)).map((m) => m.text)).toEqual([]);

    // No half-made issue: every stored issue was filed, routed, and has its card queued or posted.
    const halfMade = await h.app.database.db.execute(sql`select i.id from issues i
      where not exists (select 1 from issue_events e where e.issue_id = i.id and e.type = 'filed')
         or not exists (select 1 from issue_events e where e.issue_id = i.id and e.type = 'routed')
         or not exists (select 1 from outbox o where o.issue_id = i.id and o.kind = 'post_card')`);
    expect((Array.isArray(halfMade) ? halfMade : (halfMade as { rows: unknown[] }).rows)).toEqual([]);
  }, 120_000);
});
