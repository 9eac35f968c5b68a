import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SlackSandbox } from '../../src/sandbox/slack-server.js';

const BIN = fileURLToPath(new URL('../../bin/frontline.js', import.meta.url));
const EXAMPLE = fileURLToPath(new URL('../../routing.example.yml', import.meta.url));

let slack: SlackSandbox;
let dataDir: string;
beforeAll(async () => {
  slack = await new SlackSandbox().start();
  dataDir = mkdtempSync(join(tmpdir(), 'frontline-start-'));
});
afterAll(async () => {
  await slack?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('frontline digest --send', () => {
  it('sends the digest to its recipient through Slack', async () => {
    slack.addUser('U0MANAGER', 'manager');
    const output = await new Promise<{ code: number | null; text: string }>((resolve) => {
      const child = spawn(process.execPath, [BIN, 'digest', 'support-weekly', '--send'], {
        cwd: dataDir,
        env: { PATH: process.env.PATH!, SLACK_BOT_TOKEN: slack.botToken, SLACK_API_URL: slack.apiUrl, DATA_DIR: join(dataDir, 'digest-db'), ROUTING_FILE: EXAMPLE },
      });
      let text = '';
      child.stdout.on('data', (c) => (text += c));
      child.stderr.on('data', (c) => (text += c));
      child.on('exit', (code) => resolve({ code, text }));
    });
    expect(output).toEqual({ code: 0, text: 'Sent digest support-weekly to U0MANAGER.\n' });
    const sent = slack.dmsTo('U0MANAGER');
    expect(sent).toHaveLength(1);
    expect(JSON.stringify(sent[0]!.blocks)).toContain('No escalations in this period, and nothing open.');
  });
});

describe('frontline start', () => {
  it.each(['SIGTERM', 'SIGINT'] as const)('serves until %s, then closes the database and exits 0, logging no secret', async (signal) => {
    const child = spawn(process.execPath, [BIN, 'start'], {
      cwd: dataDir,
      env: {
        PATH: process.env.PATH!,
        SLACK_BOT_TOKEN: slack.botToken,
        SLACK_SIGNING_SECRET: slack.signingSecret,
        SLACK_API_URL: slack.apiUrl,
        PORT: '0',
        DATA_DIR: join(dataDir, 'db'),
        ROUTING_FILE: EXAMPLE,
      },
    });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    const port = await slack.waitFor('"frontline started"', () => /"port":(\d+).*"msg":"frontline started"/.exec(output)?.[1], 15_000);

    expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
    const exit = new Promise<number | null>((resolve) => child.on('exit', resolve));
    child.kill(signal);
    expect(await exit).toBe(0);
    expect(output).toContain('"msg":"frontline stopped"');
    expect(output).toContain('"database":"pglite"');
    expect(output).not.toContain(slack.botToken);
    expect(output).not.toContain(slack.signingSecret);
  });
});
