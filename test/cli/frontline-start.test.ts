import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

// Each test starts the bot as its own process on PGlite: on a loaded 2-core machine that alone can take 15 s.
vi.setConfig({ testTimeout: 45_000 });
import { SlackDriver } from '../../src/sandbox/driver.js';
import { SlackSandbox } from '../../src/sandbox/slack-server.js';
import { AGENTS, FRONTLINE_CHANNEL } from '../../src/sandbox/workspace.js';
import { freePort } from '../support/free-port.js';
import { killProcessesAfterEach, spawnForTest } from '../support/processes.js';

const BIN = fileURLToPath(new URL('../../bin/frontline.js', import.meta.url));
const EXAMPLE = fileURLToPath(new URL('../../routing.example.yml', import.meta.url));

let slack: SlackSandbox;
let dataDir: string;
killProcessesAfterEach();
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
    const output = await run(['digest', 'support-weekly', '--send'], join(dataDir, 'digest-db'));
    expect(output).toEqual({ code: 0, text: 'Sent digest support-weekly to U0MANAGER.\n' });
    const sent = slack.dmsTo('U0MANAGER');
    expect(sent).toHaveLength(1);
    expect(JSON.stringify(sent[0]!.blocks)).toContain('No escalations in this period, and nothing open.');
  });
});

describe('frontline start', () => {
  it.each(['SIGTERM', 'SIGINT'] as const)('serves until %s, then closes the database and exits 0, logging no secret', async (signal) => {
    const bot = await startBot(join(dataDir, 'db'));
    expect((await fetch(`http://127.0.0.1:${bot.port}/healthz`)).status).toBe(200);
    bot.child.kill(signal);
    expect(await bot.exit).toBe(0);
    expect(bot.output()).toContain('"msg":"frontline stopped"');
    expect(bot.output()).toContain('"database":"pglite"');
    expect(bot.output()).not.toContain(slack.botToken);
    expect(bot.output()).not.toContain(slack.signingSecret);
  });
});

describe('frontline start, signalled while it warms up', () => {
  /** A bot still warming up when this returns: more rounds than the warm-up's 5 s allow. */
  async function warmingBot(name: string) {
    const port = await freePort();
    const child = spawnForTest(process.execPath, [BIN, 'start'], { cwd: dataDir, env: env(join(dataDir, name), { PORT: String(port), WARM_UP_ROUNDS: '1000' }) });
    let output = '';
    child.stdout!.on('data', (chunk) => (output += chunk));
    child.stderr!.on('data', (chunk) => (output += chunk));
    const exit = new Promise<number | null>((resolve) => child.on('exit', resolve));
    const readyz = () => fetch(`http://127.0.0.1:${port}/readyz`).catch(() => undefined);
    await slack.waitFor('warming up', async () => {
      const answer = await readyz();
      return answer?.status === 503 && ((await answer.json()) as { warming_up?: boolean }).warming_up === true;
    }, 30_000);
    return { child, exit, readyz, output: () => output };
  }

  it('finishes starting, then stops as on any SIGTERM: drained, database closed, exit 0', async () => {
    const bot = await warmingBot('warming-db');
    bot.child.kill('SIGTERM');
    expect(await bot.exit).toBe(0);
    expect(bot.output()).toContain('"msg":"frontline stopped"');
  });

  it('reloads the routing file once started when SIGHUP comes during the start, instead of dying of it', async () => {
    const bot = await warmingBot('warming-reload-db');
    bot.child.kill('SIGHUP');
    await slack.waitFor('ready', async () => (await bot.readyz())?.status === 200, 30_000);
    await slack.waitFor('the reload', async () => bot.output().includes('"msg":"routing matrix reloaded"'), 10_000);
    expect(bot.child.exitCode).toBeNull();
    expect(bot.output().indexOf('"msg":"frontline started"')).toBeLessThan(bot.output().indexOf('"msg":"routing matrix reloaded"'));
    bot.child.kill('SIGTERM');
    expect(await bot.exit).toBe(0);
  });
});

describe('checking the Slack tokens at start', () => {
  it('stops in one line when Slack refuses the token, and logs it as one JSON line too', async () => {
    const { code, text } = await run(['start'], join(dataDir, 'bad-token'), { SLACK_BOT_TOKEN: 'xoxb-revoked' });
    expect(code).toBe(1);
    const lines = text.trimEnd().split('\n').sort();
    expect(lines).toHaveLength(2);
    expect(lines[0]).toBe('frontline: Slack refused SLACK_BOT_TOKEN (invalid_auth): check the token on the app\'s "OAuth & Permissions" page.');
    expect(JSON.parse(lines[1]!)).toMatchObject({ level: 'fatal', msg: 'frontline could not start', error: expect.stringContaining('Slack refused SLACK_BOT_TOKEN') });
  });

  it('stops in one line when Slack refuses the app token in Socket Mode', async () => {
    const output = await run(['start'], join(dataDir, 'bad-app-token'), { SLACK_APP_TOKEN: 'xapp-1-revoked' });
    expect(output.code).toBe(1);
    expect(output.text).toContain('frontline: Slack refused SLACK_APP_TOKEN (invalid_auth): use an app-level token (xapp-…) with connections:write.\n');
    expect(output.text).not.toMatch(/\n\s+at /);
  });

  it('blames the URL, not the token, when SLACK_API_URL is not a Slack Web API', async () => {
    const url = `${slack.url}/not-the-api/`;
    const output = await run(['start'], join(dataDir, 'wrong-url'), { SLACK_API_URL: url });
    expect(output.code).toBe(1);
    expect(output.text).toContain(`frontline: could not reach Slack at ${url} (http_404): check the network, or SLACK_API_URL.\n`);
  });

  it('stops in one line when Slack cannot be reached', async () => {
    const output = await run(['start'], join(dataDir, 'no-slack'), { SLACK_API_URL: 'http://127.0.0.1:9/api/' });
    expect(output.code).toBe(1);
    expect(output.text).toContain('frontline: could not reach Slack at http://127.0.0.1:9/api/ (network_error): check the network, or SLACK_API_URL.\n');
    expect(output.text).not.toMatch(/\n\s+at /);
  });
});

describe('frontline reload', () => {
  it('loads a changed routing file into the running bot, and refuses a broken one with check\'s messages, keeping the running matrix', async () => {
    const dir = join(dataDir, 'reload');
    const routing = join(dataDir, 'reload-routing.yml');
    writeFileSync(routing, readFileSync(EXAMPLE, 'utf8'));
    const bot = await startBot(dir, 30_000, { ROUTING_FILE: routing });
    const driver = new SlackDriver(slack, { kind: 'http', appUrl: `http://127.0.0.1:${bot.port}/slack/events` });
    const help = async () => JSON.stringify((await driver.slash(AGENTS.phone, FRONTLINE_CHANNEL, 'help')).body);
    slack.addChannel(FRONTLINE_CHANNEL, 'frontline', [AGENTS.phone]);
    expect(await help()).not.toContain('warranty');

    writeFileSync(routing, readFileSync(EXAMPLE, 'utf8').replace('  other:    { label: "Something else" }', '  warranty: { label: "Warranty claims" }\n  other:    { label: "Something else" }').replace('timezone: Europe/London', 'timezone: Europe/Londn'));
    const refused = await run(['reload'], dir, { ROUTING_FILE: routing });
    expect(refused).toEqual({ code: 1, text: 'reload-routing.yml:5 timezone: unknown time zone "Europe/Londn" (did you mean "Europe/London"?)\n1 problem in the routing matrix.\n' });
    expect(await help()).not.toContain('warranty');

    writeFileSync(routing, readFileSync(routing, 'utf8').replace('timezone: Europe/Londn', 'timezone: Europe/London'));
    const reloaded = await run(['reload'], dir, { ROUTING_FILE: routing });
    expect(reloaded).toEqual({ code: 0, text: `Reloaded ${routing} in the running bot (pid ${bot.child.pid}): 7 teams, 9 routes. Issues already filed keep their targets.\n` });
    expect(await help()).toContain('warranty');
    expect(bot.output()).toContain('"msg":"routing matrix reloaded"');

    bot.child.kill('SIGTERM');
    expect(await bot.exit).toBe(0);
    expect(await run(['reload'], dir, { ROUTING_FILE: routing })).toEqual({
      code: 1, text: `frontline: no running bot found: ${join(dir, 'frontline.pid')} does not exist (start it with npm start, or set PID_FILE to where it writes its pid)\n`,
    });
  }, 60_000);
});

describe('one process per PGlite DATA_DIR', () => {
  it('refuses a second process while the bot runs, and takes over the lock a killed bot left', async () => {
    const dir = join(dataDir, 'shared');
    const first = await startBot(dir);
    // PGlite in two processes would diverge and corrupt the data, so the second is refused in one line.
    const digest = await run(['digest', 'support-weekly', '--now'], dir);
    expect(digest).toEqual({
      code: 1,
      text: `frontline: DATA_DIR ${dir} is in use by another Frontline process. Stop it first; ` +
        'to run several processes on one database, use Postgres (DATABASE_URL).\n',
    });
    expect((await fetch(`http://127.0.0.1:${first.port}/healthz`)).status).toBe(200);

    first.child.kill('SIGKILL'); // leaves its lock behind, which goes stale
    await first.exit;
    const second = await startBot(dir, 30_000);
    expect((await fetch(`http://127.0.0.1:${second.port}/healthz`)).status).toBe(200);
    second.child.kill('SIGTERM');
    expect(await second.exit).toBe(0);
  }, 60_000);
});

function env(dir: string, overrides: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH!,
    SLACK_BOT_TOKEN: slack.botToken,
    SLACK_SIGNING_SECRET: slack.signingSecret,
    SLACK_API_URL: slack.apiUrl,
    PORT: '0',
    DATA_DIR: dir,
    ROUTING_FILE: EXAMPLE,
    ...overrides,
  };
}

/** Runs a command to its end: exit code and everything it printed. */
function run(args: string[], dir: string, overrides: Record<string, string> = {}): Promise<{ code: number | null; text: string }> {
  return new Promise((resolve) => {
    const child = spawnForTest(process.execPath, [BIN, ...args], { cwd: dataDir, env: env(dir, overrides) });
    let text = '';
    child.stdout!.on('data', (c) => (text += c));
    child.stderr!.on('data', (c) => (text += c));
    child.on('exit', (code) => resolve({ code, text }));
  });
}

/** `frontline start`, once it says it has started. */
async function startBot(dir: string, timeoutMs = 30_000, overrides: Record<string, string> = {}) {
  const child = spawnForTest(process.execPath, [BIN, 'start'], { cwd: dataDir, env: env(dir, overrides) });
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  const exit = new Promise<number | null>((resolve) => child.on('exit', resolve));
  const port = await slack.waitFor('"frontline started"', () => /"port":(\d+).*"msg":"frontline started"/.exec(output)?.[1], timeoutMs);
  return { child, port, exit, output: () => output };
}
