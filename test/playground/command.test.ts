import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { killProcessesAfterEach, spawnForTest } from '../support/processes.js';

const BIN = fileURLToPath(new URL('../../bin/frontline.js', import.meta.url));
killProcessesAfterEach();

/** Starts `frontline playground` as `npm run playground` does; resolves with its output once it prints a URL or exits. */
function playground(args: string[], env: Record<string, string> = {}) {
  const child = spawnForTest(process.execPath, [BIN, 'playground', ...args], { env: { PATH: process.env.PATH!, ...env } });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (c) => (stdout += c));
  child.stderr!.on('data', (c) => (stderr += c));
  return new Promise<{ code: number | null; stdout: string; stderr: string; url?: string }>((resolve) => {
    child.stdout!.on('data', () => {
      const url = /http:\/\/127\.0\.0\.1:\d+\//.exec(stdout)?.[0];
      if (url) resolve({ code: null, stdout, stderr, url });
    });
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('npm run playground', () => {
  it('refuses to start beside a real Slack token, naming it, with no stack trace', async () => {
    const run = await playground(['--port', '0'], { SLACK_BOT_TOKEN: 'xoxb-1234-real-workspace' });
    expect(run.code).toBe(1);
    expect(run.stderr).toBe('frontline: the playground never uses a real Slack token, but SLACK_BOT_TOKEN is set: unset it (the playground runs its own sandbox Slack)\n');
    const api = await playground([], { SLACK_API_URL: 'https://slack.com/api/' });
    expect(api.stderr).toContain('SLACK_API_URL points at https://slack.com/api/');
  });

  it('names a bad port in one line', async () => {
    expect(await playground(['--port', 'eighty'])).toMatchObject({ code: 1, stderr: 'frontline: --port "eighty" is not a port: give a number from 0 to 65535 (0 picks a free one)\n' });
  });

  it('serves the page on 127.0.0.1 and prints its URL', async () => {
    const run = await playground(['--port', '0']);
    expect(run.url, run.stderr).toBeDefined();
    const page = await fetch(run.url!);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<title>Frontline playground</title>');
  }, 60_000);
});
