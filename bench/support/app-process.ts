import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { connectTo } from '../../src/db/client.js';
import type { SlackSandbox } from '../../src/sandbox/slack-server.js';

const BIN = fileURLToPath(new URL('../../bin/frontline.js', import.meta.url));

export interface AppProcess {
  port: number;
  pid: number;
  child: ChildProcess;
  stop(): Promise<void>;
}

/** Starts `frontline start` (or another script that prints `"port":N`) as its own process, so its memory is its own. */
export async function startProcess(args: string[], env: Record<string, string>, what: string): Promise<AppProcess> {
  // Logs at the default level, as in production: the start line names the port. Only the tail is kept.
  // BENCH_NODE_ARGS reach the measured process, e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof` to see where its time goes.
  const nodeArgs = process.env.BENCH_NODE_ARGS?.split(' ').filter(Boolean) ?? [];
  const child = spawn(process.execPath, [...nodeArgs, ...args], { env: { PATH: process.env.PATH!, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const keep = (chunk: Buffer) => (output = (output + chunk.toString()).slice(-8_000));
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const port = await new Promise<number>((resolve, reject) => {
    const done = () => {
      clearInterval(poll);
      clearTimeout(tooLong);
      child.off('exit', exited);
    };
    const fail = (why: string) => {
      done();
      child.kill('SIGKILL');
      reject(new Error(`${what} ${why}:\n${output}`));
    };
    const exited = (code: number | null) => fail(`exited (${code}) before it started`);
    const poll = setInterval(() => {
      const found = /"port":(\d+)/.exec(output);
      if (!found) return;
      done();
      resolve(Number(found[1]));
    }, 20);
    const tooLong = setTimeout(() => fail('did not start within 60 s'), 60_000);
    child.once('exit', exited);
  });
  return {
    port,
    pid: child.pid!,
    child,
    stop: () => new Promise<void>((resolve) => {
      if (child.exitCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
      setTimeout(() => child.kill('SIGKILL'), 12_000).unref();
    }),
  };
}

/** Where Frontline keeps its data for a benchmark: a scratch Postgres database, or a fresh PGlite DATA_DIR. */
export async function scratchStorage(kind: 'postgres' | 'pglite', name: string): Promise<{ env: Record<string, string>; drop: () => Promise<void> }> {
  if (kind === 'pglite') {
    const dir = mkdtempSync(join(tmpdir(), `frontline-${name}-`));
    return { env: { DATA_DIR: dir }, drop: async () => rmSync(dir, { recursive: true, force: true }) };
  }
  const server = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
  const admin = connectTo(server, { max: 1, onnotice: () => {} });
  const database = `frontline_${name.replace(/-/g, '_')}`;
  await admin.unsafe(`drop database if exists ${database} with (force)`);
  await admin.unsafe(`create database ${database}`);
  const url = new URL(server);
  url.pathname = `/${database}`;
  return {
    env: { DATABASE_URL: url.toString() },
    drop: async () => {
      await admin.unsafe(`drop database if exists ${database} with (force)`);
      await admin.end();
    },
  };
}

/** Frontline against the sandbox, with a routing file of the benchmark's. */
export async function startFrontlineProcess(slack: SlackSandbox, routing: string, storage: Record<string, string>, extra: Record<string, string> = {}): Promise<AppProcess> {
  const dir = mkdtempSync(join(tmpdir(), 'frontline-bench-routing-'));
  writeFileSync(join(dir, 'routing.yml'), routing);
  return startProcess([BIN, 'start'], {
    SLACK_BOT_TOKEN: slack.botToken, SLACK_SIGNING_SECRET: slack.signingSecret, SLACK_API_URL: slack.apiUrl, PORT: '0',
    ROUTING_FILE: join(dir, 'routing.yml'), ...storage, ...extra,
  }, 'frontline');
}
