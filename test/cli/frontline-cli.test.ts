import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it, vi } from 'vitest';

// Each test runs frontline as its own process, many on PGlite: on a loaded 2-core machine one can take 15 s.
vi.setConfig({ testTimeout: 45_000 });
import { killProcessesAfterEach, spawnForTest } from '../support/processes.js';

const BIN = fileURLToPath(new URL('../../bin/frontline.js', import.meta.url));
const EXAMPLE = fileURLToPath(new URL('../../routing.example.yml', import.meta.url));
killProcessesAfterEach();

/** Runs the real `frontline` command to its end; returns its exit code and output. */
function frontline(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const cwd = mkdtempSync(join(tmpdir(), 'frontline-cli-'));
  const child = spawnForTest(process.execPath, [BIN, ...args], { cwd, env: { PATH: process.env.PATH!, ...env } });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (c) => (stdout += c));
  child.stderr!.on('data', (c) => (stderr += c));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}

describe('the frontline command itself', () => {
  it('prints its help when run bare, rather than starting a bot', async () => {
    const { code, stdout } = await frontline([]);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^Usage: frontline <command>\n/);
    expect(stdout).toContain('  migrate                       apply the database migrations and exit');
  });

  it('prints its version, and each command its own help', async () => {
    const version = JSON.parse((await import('node:fs')).readFileSync(new URL('../../package.json', import.meta.url), 'utf8')).version;
    expect(await frontline(['--version'])).toMatchObject({ code: 0, stdout: `frontline ${version}\n` });
    const help = await frontline(['replay', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^Usage: frontline replay --matrix NEW\.yml/);
  });

  it('names an unknown option or a missing value in one line', async () => {
    expect(await frontline(['explain', '--bogus'])).toMatchObject({ code: 1, stderr: 'frontline: unknown option --bogus for "frontline explain"; see frontline explain --help\n' });
    expect(await frontline(['explain', '--category'])).toMatchObject({ code: 1, stderr: 'frontline: --category <value> needs a value; see frontline explain --help\n' });
    expect(await frontline(['start', '--port', '1'])).toMatchObject({ code: 1, stderr: 'frontline: unknown option --port for "frontline start"; see frontline start --help\n' });
  });

  it('migrates a database on its own and exits', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'frontline-migrate-'));
    const { code, stdout } = await frontline(['migrate'], { DATA_DIR: dir });
    expect(code).toBe(0);
    expect(stdout).toBe(`Migrated the embedded database in ${dir}: it is up to date.\n`);
  }, 30_000);
});

describe('frontline check', () => {
  it('prints the matrix as category x level -> team, channel and targets', async () => {
    const { code, stdout } = await frontline(['check', EXAMPLE]);
    expect(code).toBe(0);
    expect(stdout).toMatch(/routing\.example\.yml: OK/);
    expect(stdout).toMatch(/^billing\s+medium\s+billing\s+C0BILLING\s+1h\s+1d\s+office$/m);
    expect(stdout).toMatch(/^legal\s+easy -> hard\s+legal\s+C0LEGAL\s+15m\s+4h\s+always$/m);
    expect(stdout).toContain('routes[2] -> billing (cc C0SOCIAL) when category in [billing] and origin in [twitter, facebook, instagram]');
  });

  it('lists every problem with file and line, and no stack trace', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'frontline-bad-'));
    const file = join(dir, 'routing.yml');
    writeFileSync(file, `version: 1
levels:
  easy: { label: Easy, ack: 4 hours, resolve: 2d }
origins: [phone]
categories: { billing: { label: Billing } }
teams:
  billing: { channel: C0BILLING, owners: [U0ANNA] }
routes:
  - team: biling
`);
    const { code, stdout, stderr } = await frontline(['check', file]);
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toBe(
      'routing.yml:3 levels.easy.ack: expected a duration such as 15m, 4h, 1h30m or 2d\n' +
        'routing.yml:9 routes[0].team: unknown team "biling" (did you mean "billing"?)\n' +
        '2 problems in the routing matrix.\n',
    );
  });
});

describe('frontline explain', () => {
  it('shows which route matches and why, the team, cc and deadlines', async () => {
    const { code, stdout } = await frontline(['explain', '--file', EXAMPLE, '--category', 'billing', '--level', 'hard', '--origin', 'twitter', '--text', 'wants a refund']);
    expect(code).toBe(0);
    expect(stdout).toContain('routes[1] -> legal: no match\n    text does not match /lawsuit|attorney|solicitor|gdpr|chargeback/i');
    expect(stdout).toContain('routes[2] -> billing: MATCH\n    category billing is in [billing]\n    origin twitter is in [twitter, facebook, instagram]');
    expect(stdout).toContain('Team:     billing (channel C0BILLING, owners U0ANNA, U0BEN)');
    expect(stdout).toContain('cc:       C0SOCIAL');
    expect(stdout).toMatch(/acknowledge by .* Europe\/London {2}\(15m\)/);
  });

  it('gives the deadlines as if filed at --at, in the matrix time zone, on its calendars', async () => {
    // Medium is 1h to acknowledge on office hours (Mon-Fri 09:00-17:30, Sat 10:00-14:00): filed Friday 17:00, due Saturday 10:30.
    const { code, stdout } = await frontline(['explain', '--file', EXAMPLE, '--category', 'billing', '--level', 'medium', '--at', '2026-12-04 17:00']);
    expect(code).toBe(0);
    expect(stdout).toContain('If filed at Fri 4 Dec 2026 17:00 Europe/London:\n  acknowledge by Sat 5 Dec 2026 10:30 Europe/London  (1h)');
    const bad = await frontline(['explain', '--file', EXAMPLE, '--category', 'billing', '--level', 'medium', '--at', '2026-02-30 17:00']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toBe('frontline: --at "2026-02-30 17:00" is not a time: write "2026-12-04 17:00" (in Europe/London) or an ISO time with a zone such as 2026-12-04T17:00:00Z\n');
  });

  it('rejects an unknown category in one line, with a suggestion', async () => {
    const { code, stderr } = await frontline(['explain', '--file', EXAMPLE, '--category', 'biling', '--level', 'hard']);
    expect(code).toBe(1);
    expect(stderr).toBe('frontline: unknown category "biling" (did you mean "billing"?); known: billing, delivery, camera, app, legal, praise, other\n');
  });
});

describe('frontline digest', () => {
  it('prints a digest as text, on the embedded database', async () => {
    const { code, stdout, stderr } = await frontline(['digest', 'billing-daily', '--file', EXAMPLE, '--from', '2026-11-01', '--to', '2026-11-08']);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toBe(
      'Digest billing-daily\n' +
        '  Sat 31 Oct 20:00 – Sat 7 Nov 19:00 (America/New_York) · teams: billing, legal\n' +
        '  No escalations in this period, and nothing open.\n',
    );
  });

  it('says in one line what is wrong with the call', async () => {
    expect((await frontline(['digest', 'billing-dialy', '--file', EXAMPLE])).stderr).toBe(
      'frontline: unknown digest "billing-dialy" (did you mean "billing-daily"?); known: support-weekly, billing-daily\n',
    );
    expect((await frontline(['digest', 'billing-daily', '--file', EXAMPLE, '--from', 'yesterday', '--to', '2026-11-08'])).stderr).toBe(
      'frontline: --from "yesterday" is not a date; use ISO 8601, e.g. 2026-11-23 or 2026-11-23T09:00:00Z\n',
    );
    expect((await frontline(['digest', 'billing-daily', '--file', EXAMPLE, '--from', '2026-11-01'])).stderr).toBe('frontline: give both --from and --to, or neither\n');
  });
});

describe('frontline start', () => {
  it('says exactly what to set without Slack credentials, and points to the demo', async () => {
    const { code, stderr } = await frontline(['start']);
    expect(code).toBe(1);
    expect(stderr).toBe('frontline: SLACK_BOT_TOKEN is not set: set it and SLACK_SIGNING_SECRET (HTTP mode) or SLACK_APP_TOKEN (Socket Mode), or try `npm run demo` to see Frontline against a local Slack sandbox.\n');
  });

  it('names an invalid variable in one line', async () => {
    const { code, stderr } = await frontline(['start'], { PORT: 'eighty' });
    expect(code).toBe(1);
    expect(stderr).toBe('frontline: PORT is invalid: expected a port number.\n');
  });

  it('stops on a broken routing file before touching Slack', async () => {
    const { code, stderr } = await frontline(['start'], { SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: 's', ROUTING_FILE: '/nonexistent/routing.yml' });
    expect(code).toBe(1);
    expect(stderr).toContain('/nonexistent/routing.yml: cannot read the routing matrix (no such file)');
    expect(stderr).not.toMatch(/\n\s+at /);
  });
});
