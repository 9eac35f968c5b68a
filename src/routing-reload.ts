import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { AppContext } from './app/context.js';
import { RoutingFileError, readRunnableRoutingFile } from './routing-file.js';

/**
 * Reloading routing.yml while the bot runs: on SIGHUP, or through `frontline
 * reload`, which finds the bot by its pid file, signals it, and reads the
 * outcome the bot writes beside that file. A file that does not pass `check` is
 * refused with the same messages, and the running matrix stays. Issues already
 * filed keep their snapshots: only later filings use the new matrix.
 */

export interface ReloadOutcome {
  /** When the bot tried, ISO. */
  at: string;
  file: string;
  ok: boolean;
  /** `check`'s lines when refused. */
  problems: string[];
  teams?: number;
  routes?: number;
}

export const reloadStatusFile = (pidFile: string) => `${pidFile}.reload.json`;

/** Reads the routing file again and, if it passes `check`, makes it the running matrix. */
export function reloadMatrix(ctx: AppContext, file: string): ReloadOutcome {
  const at = new Date().toISOString();
  try {
    const matrix = readRunnableRoutingFile(file);
    ctx.matrix = matrix;
    const outcome = { at, file, ok: true, problems: [], teams: Object.keys(matrix.teams).length, routes: matrix.routes.length };
    ctx.log.info({ file, teams: outcome.teams, routes: outcome.routes }, 'routing matrix reloaded');
    return outcome;
  } catch (error) {
    const problems = error instanceof RoutingFileError ? error.lines : [String((error as Error).message)];
    ctx.log.warn({ file, problems }, 'routing matrix not reloaded: the file does not pass check; the running matrix stays');
    return { at, file, ok: false, problems };
  }
}

/** The running bot's pid, written at start and removed at stop, so that `frontline reload` can find it. */
export function writePidFile(pidFile: string): () => void {
  mkdirSync(dirname(pidFile), { recursive: true });
  writeFileSync(pidFile, `${process.pid}\n`);
  return () => rmSync(pidFile, { force: true });
}

export function writeReloadStatus(pidFile: string, outcome: ReloadOutcome): void {
  writeFileSync(reloadStatusFile(pidFile), JSON.stringify(outcome));
}

/** A bot to reload: the pid in the pid file, if that process is alive. */
export function runningBot(pidFile: string): { pid: number } | { problem: string } {
  let text: string;
  try {
    text = readFileSync(pidFile, 'utf8');
  } catch {
    return { problem: `no running bot found: ${pidFile} does not exist (start it with npm start, or set PID_FILE to where it writes its pid)` };
  }
  const pid = Number(text.trim());
  if (!Number.isInteger(pid) || pid <= 0) return { problem: `${pidFile} does not hold a process id` };
  try {
    process.kill(pid, 0);
    return { pid };
  } catch {
    return { problem: `the bot that wrote ${pidFile} (pid ${pid}) is not running` };
  }
}

/** Waits for the bot's outcome of a reload asked at `since`, reading the status file it writes. */
export async function awaitReload(pidFile: string, since: Date, timeoutMs = 5_000): Promise<ReloadOutcome | undefined> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      const outcome = JSON.parse(readFileSync(reloadStatusFile(pidFile), 'utf8')) as ReloadOutcome;
      if (new Date(outcome.at) >= since) return outcome;
    } catch {
      // Not written yet, or being written.
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return undefined;
}
