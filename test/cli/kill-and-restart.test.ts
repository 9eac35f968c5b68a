import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SlackDriver } from '../../src/sandbox/driver.js';
import { SlackSandbox } from '../../src/sandbox/slack-server.js';
import { AGENTS, FRONTLINE_CHANNEL, seedWorkspace } from '../../src/sandbox/workspace.js';
import { freshDatabase, SEVERAL_CONNECTIONS_URL } from '../support/database.js';
import { killProcessesAfterEach, spawnForTest } from '../support/processes.js';
import { EXAMPLE_ROUTING, matrixFrom } from '../support/harness.js';

const BIN = fileURLToPath(new URL('../../bin/frontline.js', import.meta.url));
// A 3-second acknowledgement target, so that the escalations fall due while the test watches.
const ROUTING = EXAMPLE_ROUTING.replace('nudges: [50%, 90%]', 'nudges: []').replace(
  '  hard:   { label: "Hard: legal, safety or senior", ack: 15m, resolve: 4h, calendar: always }',
  '  hard:   { label: "Hard: legal, safety or senior", ack: 15m, resolve: 4h, calendar: always }\n  urgent: { label: "Urgent: outage", ack: 3s, resolve: 1h, calendar: always }',
);

describe.runIf(SEVERAL_CONNECTIONS_URL)('kill -9 in the middle of escalating', () => {
  let slack: SlackSandbox;
  let dir: string;
  let env: NodeJS.ProcessEnv;
  let drop: () => Promise<void>;
  killProcessesAfterEach();

  beforeAll(async () => {
    // 60 messages in one channel within seconds: this is about kill -9, not Slack's posting rate.
    slack = await new SlackSandbox(null).start();
    seedWorkspace(slack, matrixFrom(ROUTING));
    dir = mkdtempSync(join(tmpdir(), 'frontline-kill-'));
    writeFileSync(join(dir, 'routing.yml'), ROUTING);
    const database = await freshDatabase(SEVERAL_CONNECTIONS_URL);
    drop = database.drop;
    env = {
      PATH: process.env.PATH, SLACK_BOT_TOKEN: slack.botToken, SLACK_SIGNING_SECRET: slack.signingSecret,
      SLACK_API_URL: slack.apiUrl, PORT: '0', DATABASE_URL: database.url, ROUTING_FILE: join(dir, 'routing.yml'),
      SWEEP_INTERVAL_MS: '100',
    };
  });
  afterAll(async () => {
    await slack?.stop();
    await drop?.();
    rmSync(dir, { recursive: true, force: true });
  });

  async function start() {
    const child = spawnForTest(process.execPath, [BIN, 'start'], { cwd: dir, env });
    let output = '';
    child.stdout!.on('data', (chunk) => (output += chunk));
    return { child, port: Number(await slack.waitFor('started', () => /"port":(\d+).*"msg":"frontline started"/.exec(output)?.[1], 20_000)) };
  }

  it('loses nothing and sends nothing twice', async () => {
    const { child: first, port } = await start();
    const driver = new SlackDriver(slack, { kind: 'http', appUrl: `http://127.0.0.1:${port}/slack/events` });
    for (let i = 0; i < 30; i++) await driver.slash(AGENTS.phone, FRONTLINE_CHANNEL, `billing urgent Outage report ${i}`);
    const escalations = () => slack.dmsTo('U0LEAD').filter((m) => m.text.includes('was not acknowledged in time'));

    // Kill the only instance as soon as the escalations start going out.
    await slack.waitFor('first escalation', () => escalations().length > 0, 15_000);
    first.kill('SIGKILL');
    const sentBeforeKill = escalations().length;

    await start();
    await slack.waitFor('all 30 escalations', () => escalations().length >= 30, 30_000);
    await new Promise((r) => setTimeout(r, 1500)); // a few more sweeps: anything duplicated would show now
    const keys = escalations().map((m) => /ESC-\d+/.exec(m.text)![0]);
    expect(keys).toHaveLength(30);
    expect(new Set(keys).size).toBe(30);
    expect(slack.messagesIn('C0BILLING').filter((m) => !m.threadTs)).toHaveLength(30);
    expect(sentBeforeKill).toBeLessThan(30);
  }, 60_000);
});
