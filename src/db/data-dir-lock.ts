import { statSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout } from 'node:timers/promises';
import lockfile from 'proper-lockfile';

/** The holder refreshes the lock this often; a lock not refreshed for STALE_MS is taken over. */
const REFRESH_MS = 2_000;
const STALE_MS = 10_000;

/**
 * PGlite serves one process: a second process opening the same directory sees
 * its own diverging copy of the data and can corrupt it. So the directory is
 * locked while open. A lock that is still being refreshed means a live holder:
 * refuse. One that is not was left by a crash: wait for it to go stale and take
 * it over, so a restart right after a crash succeeds.
 * Returns the release function.
 */
export async function lockDataDir(dir: string, onLost: (error: Error) => void, onWait: (message: string) => void = () => {}): Promise<() => Promise<void>> {
  const lockfilePath = join(dir, 'frontline.lock');
  const lock = (retries: number) => lockfile.lock(dir, {
    lockfilePath, stale: STALE_MS, update: REFRESH_MS, onCompromised: onLost,
    retries: { retries, factor: 1, minTimeout: 1000, maxTimeout: 1000 },
  });
  try {
    return await lock(0);
  } catch (error) {
    if (!isLocked(error)) throw error;
    onWait(`DATA_DIR ${dir} is locked; checking whether its holder is alive (${(REFRESH_MS + 500) / 1000} s)`);
    const seen = refreshedAt(lockfilePath);
    await setTimeout(REFRESH_MS + 500);
    const now = refreshedAt(lockfilePath);
    if (now !== undefined && now !== seen) throw inUse(dir);
    onWait(`DATA_DIR ${dir} was left locked by a process that stopped (a crash or kill -9): `
      + `waiting up to ${STALE_MS / 1000} s for the lock to go stale, then taking it over`);
    return lock(Math.ceil(STALE_MS / 1000) + 1).catch((again: unknown) => {
      throw isLocked(again) ? inUse(dir) : again;
    });
  }
}

const isLocked = (error: unknown) => (error as { code?: string }).code === 'ELOCKED';

/** When the holder last refreshed the lock; undefined once it is released. */
function refreshedAt(lockfilePath: string): number | undefined {
  try {
    return statSync(lockfilePath).mtimeMs;
  } catch {
    return undefined;
  }
}

function inUse(dir: string): Error {
  return new Error(
    `DATA_DIR ${dir} is in use by another Frontline process. Stop it first; ` +
      'to run several processes on one database, use Postgres (DATABASE_URL).',
  );
}
