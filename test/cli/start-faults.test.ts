import { existsSync, mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readConfig } from '../../src/config.js';
import { createLogger } from '../../src/logger.js';
import { startFrontline } from '../../src/main.js';
import { SlackDriver } from '../../src/sandbox/driver.js';
import { SlackSandbox } from '../../src/sandbox/slack-server.js';
import { AGENTS, FRONTLINE_CHANNEL, seedWorkspace } from '../../src/sandbox/workspace.js';
import { freshDatabase, SEVERAL_CONNECTIONS_URL } from '../support/database.js';
import { EXAMPLE_ROUTING, matrixFrom } from '../support/harness.js';
import { killProcessesAfterEach, spawnForTest } from '../support/processes.js';

/**
 * Starting and stopping when the world is not as it should be. Each failure
 * ends the start in one line that names the setting to fix, never a stack trace
 * and never a silent hang; SIGTERM ends the bot in time whatever it is waiting for.
 */

const BIN = fileURLToPath(new URL('../../bin/frontline.js', import.meta.url));
const EXAMPLE = fileURLToPath(new URL('../../routing.example.yml', import.meta.url));

let slack: SlackSandbox;
let dir: string;
/** A TCP server that accepts connections and never says a word: a hung host. */
let silent: Server;
let silentPort: number;
killProcessesAfterEach();
beforeAll(async () => {
  slack = await new SlackSandbox().start();
  seedWorkspace(slack, matrixFrom(EXAMPLE_ROUTING));
  dir = mkdtempSync(join(tmpdir(), 'frontline-start-faults-'));
  silent = createServer(() => {});
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  silentPort = (silent.address() as { port: number }).port;
});
afterAll(async () => {
  await slack?.stop();
  silent?.close();
  rmSync(dir, { recursive: true, force: true });
});

const env = (overrides: Record<string, string>) => ({
  PATH: process.env.PATH!, SLACK_BOT_TOKEN: slack.botToken, SLACK_SIGNING_SECRET: slack.signingSecret, SLACK_API_URL: slack.apiUrl,
  PORT: '0', ROUTING_FILE: EXAMPLE, DATA_DIR: join(dir, `data-${Math.random().toString(36).slice(2)}`), ...overrides,
});

/** `frontline start` to its end: the exit code, what it printed, and how long it took. */
function start(overrides: Record<string, string>): Promise<{ code: number | null; text: string; ms: number }> {
  const started = Date.now();
  const child = spawnForTest(process.execPath, [BIN, 'start'], { cwd: dir, env: env(overrides) });
  let text = '';
  child.stdout!.on('data', (c) => (text += c));
  child.stderr!.on('data', (c) => (text += c));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, text, ms: Date.now() - started })));
}

/** One line, naming what to fix, and no stack trace. */
function expectOneLine(result: { code: number | null; text: string }, pattern: RegExp) {
  expect(result.code).toBe(1);
  const lines = result.text.trim().split('\n').filter((l) => !l.startsWith('{'));
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(pattern);
  expect(result.text).not.toMatch(/\n\s+at /);
}

describe('an unusable DATA_DIR', () => {
  it('stops at once, naming DATA_DIR', async () => {
    const file = join(dir, 'a-file');
    writeFileSync(file, 'not a directory');
    const result = await start({ DATA_DIR: join(file, 'data') });
    expectOneLine(result, /^frontline: DATA_DIR .*a-file\/data is not a directory Frontline can write to \(ENOTDIR\)/);
    expect(result.ms).toBeLessThan(15_000);
  });

  it('stops with one line when the new database cannot be put in it, and passes for no database on the next start', async () => {
    // A file where the database keeps a directory: it is made aside (in a child process), then cannot be moved in.
    const data = join(dir, 'in-the-way');
    mkdirSync(data);
    writeFileSync(join(data, 'base'), 'not a directory');
    const message = /^frontline: DATA_DIR .*in-the-way: could not initialise the embedded database: base is in the way \(ENOTDIR\); point DATA_DIR at an empty directory$/;
    expectOneLine(await start({ DATA_DIR: data }), message);
    // PG_VERSION goes in last: a directory left half-moved is not taken for a database.
    expect(existsSync(join(data, 'PG_VERSION'))).toBe(false);
    expectOneLine(await start({ DATA_DIR: data }), message);
  });
});

describe('a wrong DATABASE_URL', () => {
  it.each([
    ['nothing listens there', 'postgres://postgres@127.0.0.1:1/frontline', /the connection was refused \(127\.0\.0\.1:1\)/],
    ['the host does not exist', 'postgres://postgres@no-such-host.invalid:5432/frontline', /unknown host no-such-host\.invalid/],
  ])('names DATABASE_URL and the cause when %s', async (_what, url, cause) => {
    expectOneLine(await start({ DATABASE_URL: url }), new RegExp(`^frontline: DATABASE_URL .*: ${cause.source}`));
  });

  it.runIf(SEVERAL_CONNECTIONS_URL)('names a database that does not exist, and a user Postgres does not know', async () => {
    const server = new URL(SEVERAL_CONNECTIONS_URL!);
    const noDatabase = new URL(server);
    noDatabase.pathname = '/frontline_no_such_database';
    expectOneLine(await start({ DATABASE_URL: noDatabase.toString() }), /^frontline: DATABASE_URL .*: no such database \(database "frontline_no_such_database" does not exist\)/);
    const noUser = new URL(server);
    noUser.username = 'frontline_no_such_user';
    expectOneLine(await start({ DATABASE_URL: noUser.toString() }), /^frontline: DATABASE_URL .*: authentication failed \(role "frontline_no_such_user" does not exist\)/);
  });

  it('gives up within 30 s on a server that accepts the connection and never answers', async () => {
    const result = await start({ DATABASE_URL: `postgres://postgres@127.0.0.1:${silentPort}/frontline` });
    expectOneLine(result, /^frontline: DATABASE_URL .*: (the connection timed out|the server accepted the connection but did not answer)/);
    expect(result.ms).toBeLessThan(30_000);
  }, 40_000);
});

describe('a Slack that accepts the connection and never answers', () => {
  it('gives up within the Slack timeout, in one line', async () => {
    const result = await start({ SLACK_API_URL: `http://127.0.0.1:${silentPort}/api/`, SLACK_TIMEOUT_MS: '1000' });
    expectOneLine(result, /^frontline: Slack at http:\/\/127\.0\.0\.1:\d+\/api\/ accepted the connection but did not answer within 1 s/);
    expect(result.ms).toBeLessThan(15_000);
  });
});

describe('SIGTERM', () => {
  it('ends the bot within 10 s while a Slack call hangs', async () => {
    const child = spawnForTest(process.execPath, [BIN, 'start'], { cwd: dir, env: env({}) });
    let output = '';
    child.stdout!.on('data', (c) => (output += c));
    child.stderr!.on('data', (c) => (output += c));
    const exit = new Promise<number | null>((resolve) => child.on('exit', resolve));
    const port = Number(await slack.waitFor('started', () => /"port":(\d+).*"msg":"frontline started"/.exec(output)?.[1], 60_000)
      .catch((error: Error) => { throw new Error(`${error.message}; it printed: ${output}`); }));
    slack.hangNext('chat.postMessage', { times: 100 });
    await new SlackDriver(slack, { kind: 'http', appUrl: `http://127.0.0.1:${port}/slack/events` })
      .slash(AGENTS.phone, FRONTLINE_CHANNEL, 'billing easy Posted into the void');
    await slack.waitFor('a hung call', () => slack.calls.some((c) => c.error === 'no_answer'));
    const signalled = Date.now();
    child.kill('SIGTERM');
    expect(await exit).toBe(0);
    expect(Date.now() - signalled).toBeLessThan(10_000);
  }, 90_000);
});

describe('a PGlite DATA_DIR left locked by a killed bot', () => {
  it('says why the restart waits, then takes the lock over', async () => {
    const dataDir = join(dir, 'killed');
    const first = spawnForTest(process.execPath, [BIN, 'start'], { cwd: dir, env: env({ DATA_DIR: dataDir }) });
    let output = '';
    first.stdout!.on('data', (c) => (output += c));
    await slack.waitFor('first bot started', () => output.includes('"msg":"frontline started"'), 60_000);
    first.kill('SIGKILL');
    await new Promise((resolve) => first.once('exit', resolve));
    // As if killed a moment ago, however long the restart takes to get going on a busy machine.
    utimesSync(join(dataDir, 'frontline.lock'), new Date(), new Date());

    const second = spawnForTest(process.execPath, [BIN, 'start'], { cwd: dir, env: env({ DATA_DIR: dataDir }) });
    let restarted = '';
    second.stdout!.on('data', (c) => (restarted += c));
    await slack.waitFor('second bot started', () => restarted.includes('"msg":"frontline started"'), 60_000);
    expect(restarted).toMatch(/"msg":"DATA_DIR .*killed was left locked by a process that stopped \(a crash or kill -9\): waiting up to 10 s for the lock to go stale, then taking it over"/);
    second.kill('SIGTERM');
  }, 120_000);
});

describe.runIf(SEVERAL_CONNECTIONS_URL)('three instances started at once on an empty Postgres', () => {
  it('all start: one migrates while the others wait', async () => {
    const database = await freshDatabase(SEVERAL_CONNECTIONS_URL);
    const empty = new URL(database.url!);
    // freshDatabase copies a migrated template: start from a really empty database instead.
    const admin = new URL(SEVERAL_CONNECTIONS_URL!);
    const { default: postgres } = await import('postgres');
    const sql = postgres(admin.toString(), { max: 1, onnotice: () => {} });
    const name = `${empty.pathname.slice(1)}_empty`;
    await sql.unsafe(`create database ${name}`);
    empty.pathname = `/${name}`;
    try {
      const config = readConfig({ ...env({}), DATABASE_URL: empty.toString() });
      const starts = await Promise.allSettled([1, 2, 3].map(() => startFrontline({
        config: config as typeof config & { slack: { botToken: string } }, matrix: matrixFrom(EXAMPLE_ROUTING), log: createLogger('silent'),
      })));
      expect(starts.map((s) => s.status)).toEqual(['fulfilled', 'fulfilled', 'fulfilled']);
      await Promise.all(starts.map((s) => (s.status === 'fulfilled' ? s.value.stop() : undefined)));
    } finally {
      await sql.unsafe(`drop database if exists ${name} with (force)`);
      await sql.end();
      await database.drop();
    }
  }, 60_000);
});
