import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { freePort } from './free-port.js';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import postgres from 'postgres';

/**
 * A Postgres server of the test's own, on a port of its own, that the test may
 * stop, start again, stall (SIGSTOP every process of it) and resume: the faults
 * of a real outage, without touching the shared server on 5432.
 */
export interface ThrowawayPostgres {
  url: string;
  /** Immediate shutdown, as a crash or a failover would look to clients. */
  stop(): Promise<void>;
  start(): Promise<void>;
  /** Every server process stops answering, connections stay open: a hung host, a stuck disk. */
  stall(): void;
  resume(): void;
  destroy(): Promise<void>;
}

const BIN = (() => {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  const version = readdirSync(root).sort().at(-1);
  return version ? join(root, version, 'bin') : undefined;
})();

/** Why throwaway servers cannot run here, or undefined when they can. */
export const throwawayUnavailable = !BIN || !existsSync(join(BIN, 'initdb'))
  ? 'no PostgreSQL server binaries under /usr/lib/postgresql'
  : undefined;

/** Postgres refuses to run as root: as root, run it as the postgres user. */
const asPostgres = (command: string, args: string[]): [string, string[]] =>
  process.getuid?.() === 0 ? ['runuser', ['-u', 'postgres', '--', command, ...args]] : [command, args];

export async function throwawayPostgres(): Promise<ThrowawayPostgres> {
  if (throwawayUnavailable) throw new Error(throwawayUnavailable);
  const dir = mkdtempSync(join(tmpdir(), 'frontline-pg-'));
  const data = join(dir, 'data');
  if (process.getuid?.() === 0) chownSync(dir, Number(execFileSync('id', ['-u', 'postgres']).toString()), Number(execFileSync('id', ['-g', 'postgres']).toString()));
  execFileSync(...asPostgres(join(BIN!, 'initdb'), ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync', '--no-instructions']), { stdio: 'ignore' });
  const port = await freePort();
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  let server: ChildProcess | undefined;

  const start = async () => {
    if (server && server.exitCode === null && server.signalCode === null) return; // running already
    const [command, args] = asPostgres(join(BIN!, 'postgres'), [
      '-D', data, '-p', String(port), '-k', dir, '-c', 'listen_addresses=127.0.0.1', '-c', 'fsync=off', '-c', 'max_connections=50',
    ]);
    // Its own process group, so that a signal reaches the server and every backend it forked.
    server = spawn(command, args, { detached: true, stdio: 'ignore' });
    const deadline = Date.now() + 15_000;
    for (;;) {
      const sql = postgres(url, { max: 1, connect_timeout: 1, onnotice: () => {} });
      const up = await sql`select 1`.then(() => true, () => false);
      await sql.end({ timeout: 1 }).catch(() => undefined);
      if (up) return;
      if (Date.now() > deadline) throw new Error('the throwaway Postgres did not start');
      await new Promise((r) => setTimeout(r, 100));
    }
  };
  /** The server and every process it forked (backends make sessions of their own, so a group signal misses them). */
  const processes = (): number[] => {
    if (!server?.pid) return [];
    const all = [server.pid];
    for (let i = 0; i < all.length; i++) {
      try {
        all.push(...execFileSync('pgrep', ['-P', String(all[i])]).toString().split('\n').filter(Boolean).map(Number));
      } catch { /* pgrep exits 1 when a process has no children */ }
    }
    return all;
  };
  const signal = (name: NodeJS.Signals) => {
    for (const pid of processes()) {
      try {
        process.kill(pid, name);
      } catch { /* already gone */ }
    }
  };
  const exited = () => new Promise<void>((resolve) => {
    if (!server || server.exitCode !== null || server.signalCode !== null) return resolve();
    server.once('exit', () => resolve());
  });

  await start();
  return {
    url,
    async stop() {
      signal('SIGCONT');
      signal('SIGQUIT'); // immediate shutdown
      await exited();
    },
    start,
    stall: () => signal('SIGSTOP'),
    resume: () => signal('SIGCONT'),
    async destroy() {
      signal('SIGCONT');
      signal('SIGKILL');
      await exited();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
