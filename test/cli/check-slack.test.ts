import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SlackSandbox } from '../../src/sandbox/slack-server.js';
import { seedWorkspace } from '../../src/sandbox/workspace.js';
import { EXAMPLE_ROUTING, matrixFrom } from '../support/harness.js';
import { killProcessesAfterEach, spawnForTest } from '../support/processes.js';

const BIN = fileURLToPath(new URL('../../bin/frontline.js', import.meta.url));

/**
 * `frontline check --slack` against the sandbox's workspace, seeded from
 * routing.example.yml, then spoiled the ways real workspaces drift: a person
 * deactivated, a channel archived, the bot never invited, names that match nobody.
 */
let slack: SlackSandbox;
let dir: string;
killProcessesAfterEach();
beforeAll(async () => {
  slack = await new SlackSandbox().start();
  seedWorkspace(slack, matrixFrom(EXAMPLE_ROUTING), { S0TRIAGE: ['U0TESS'] });
  slack.addUser('U0BEN', 'ben', 'Europe/London', { deleted: true });
  slack.channels.get('C0DELIVERY')!.archived = true;
  slack.channels.get('C0CAMERA')!.members.delete(slack.botUserId);
  dir = mkdtempSync(join(tmpdir(), 'frontline-check-slack-'));
});
afterAll(async () => {
  await slack?.stop();
  rmSync(dir, { recursive: true, force: true });
});

function run(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawnForTest(process.execPath, [BIN, 'check', ...args], {
      cwd: dir, env: { PATH: process.env.PATH!, SLACK_BOT_TOKEN: slack.botToken, SLACK_API_URL: slack.apiUrl },
    });
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (c) => (stdout += c));
    child.stderr!.on('data', (c) => (stderr += c));
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('frontline check --slack', () => {
  it('reports each channel, person and group Slack does not have, one line each at its line', async () => {
    const file = join(dir, 'routing.yml');
    writeFileSync(file, EXAMPLE_ROUTING
      .replace('    owners: [U0COUNSEL]', '    owners: ["@counsel"]')
      .replace('    channel: C0APP', '    channel: "#app"')
      .replace('        - notify: [U0GC]', '        - notify: [U0GC, "@nobody", S0GHOST]')
      .replace('    cc: [C0SOCIAL]', '    cc: ["#socal"]') + 'people:\n  U0GHOST: { hours: office }\n');
    const { code, stderr } = await run(['routing.yml', '--slack']);
    expect(code).toBe(1);
    expect(stderr).toBe([
      '',
      'routing.yml:39 teams.billing.owners[1]: U0BEN (@ben) is deactivated',
      'routing.yml:50 teams.delivery.channel: #delivery (C0DELIVERY) is archived',
      'routing.yml:56 teams.camera.channel: Frontline is not in #camera (C0CAMERA): /invite @Frontline there',
      'routing.yml:86 teams.legal.escalation.ack[0].notify[1]: no user or user group @nobody in this workspace',
      'routing.yml:86 teams.legal.escalation.ack[0].notify[2]: no user group S0GHOST in this workspace',
      'routing.yml:102 routes[2].cc[0]: no channel named #socal that Frontline can see',
      'routing.yml:125 people.U0GHOST: no user U0GHOST in this workspace',
      '7 problems in Slack.',
      '',
    ].join('\n'));
  });

  it('resolves @handles and #names into a copy with ids, keeping comments, which the bot can run on', async () => {
    const file = join(dir, 'named.yml');
    writeFileSync(file, EXAMPLE_ROUTING
      .replace('    owners: [U0COUNSEL]', '    owners: ["@counsel"]')
      .replace('    channel: C0APP', '    channel: "#app"')
      .replace('    owners: S0TRIAGE', '    owners: "@triage"')
      .replace('    owners: [U0ANNA, U0BEN]', '    owners: [U0ANNA]')
      .replace('    channel: C0DELIVERY', '    channel: C0BILLING')
      .replace('    channel: C0CAMERA', '    channel: C0BILLING'));
    const { code, stdout, stderr } = await run(['named.yml', '--slack', '--write-ids']);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toContain('\nSlack: OK (');
    expect(stdout).toContain(`Wrote ${join('named.ids.yml')}: 3 names replaced by ids.\n`);
    const copy = readFileSync(join(dir, 'named.ids.yml'), 'utf8');
    expect(copy).toContain('    owners: [U0COUNSEL]\n');
    expect(copy).toContain('    channel: C0APP\n');
    expect(copy).toContain('    owners: S0TRIAGE\n');
    // Everything else is byte for byte the file as written.
    expect(copy.replace('C0APP', '"#app"').replace('[U0COUNSEL]', '["@counsel"]').replace('owners: S0TRIAGE', 'owners: "@triage"')).toBe(readFileSync(file, 'utf8'));
    expect(copy).not.toMatch(/"[@#]/);
    expect((await run(['named.ids.yml'])).code).toBe(0);
  });

  it('refuses to start the bot on a file that names people instead of ids, saying how to fix it', async () => {
    writeFileSync(join(dir, 'by-name.yml'), EXAMPLE_ROUTING.replace('    owners: [U0COUNSEL]', '    owners: ["@counsel"]'));
    const started = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
      const child = spawnForTest(process.execPath, [BIN, 'start'], {
        cwd: dir,
        env: {
          PATH: process.env.PATH!, SLACK_BOT_TOKEN: slack.botToken, SLACK_SIGNING_SECRET: slack.signingSecret, SLACK_API_URL: slack.apiUrl,
          PORT: '0', ROUTING_FILE: join(dir, 'by-name.yml'), DATA_DIR: join(dir, 'data'),
        },
      });
      let stderr = '';
      child.stderr!.on('data', (c) => (stderr += c));
      child.on('exit', (code) => resolve({ code, stderr }));
    });
    expect(started.code).toBe(1);
    expect(started.stderr).toContain('by-name.yml:83 teams.legal.owners[0]: "@counsel" is a name; the bot needs ids\n');
    expect(started.stderr).toContain('Run `frontline check --slack --write-ids');
  });
});
