import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FRONTLINE_CHANNEL } from '../../src/sandbox/workspace.js';
import { freshDatabase, SEVERAL_CONNECTIONS_URL } from '../support/database.js';
import { startHarness, type Harness } from '../support/harness.js';
import { issueByKey, postedCard } from '../support/queries.js';

/**
 * The README's backup and restore, done as it says: a copy of a stopped bot's
 * PGlite DATA_DIR, and a pg_dump restored into a new database. The restored bot
 * has the issue, and numbers the next one after it.
 */
async function fileOne(h: Harness, text: string): Promise<string> {
  const reply = await h.driver.slash('U0ALEX', FRONTLINE_CHANNEL, text);
  const key = /ESC-\d+/.exec((reply.body as { text: string }).text)![0];
  await postedCard(h, 'C0BILLING', key);
  return key;
}

describe('backup and restore', () => {
  it('restores a copy of a stopped bot\'s PGlite DATA_DIR', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'frontline-backup-'));
    const copy = mkdtempSync(join(tmpdir(), 'frontline-restore-'));
    const original = await startHarness({ dataDir: dir });
    try {
      const key = await fileOne(original, 'billing easy Before the backup');
      await original.app.stop(); // stopped: PGlite's files are consistent, and its lock is released
      cpSync(dir, copy, { recursive: true });
      const restored = await startHarness({ dataDir: copy });
      try {
        expect(await issueByKey(restored, key)).toMatchObject({ summary: 'Before the backup', status: 'unclaimed' });
        expect(await fileOne(restored, 'billing easy After the restore')).toBe('ESC-2');
      } finally {
        await restored.stop();
      }
    } finally {
      await original.stop();
      rmSync(dir, { recursive: true, force: true });
      rmSync(copy, { recursive: true, force: true });
    }
  }, 60_000);

  it.runIf(SEVERAL_CONNECTIONS_URL)('restores a pg_dump into a new Postgres database', async () => {
    const source = await freshDatabase(SEVERAL_CONNECTIONS_URL);
    const target = await freshDatabase(SEVERAL_CONNECTIONS_URL);
    const dump = join(mkdtempSync(join(tmpdir(), 'frontline-dump-')), 'frontline.dump');
    const original = await startHarness({ databaseUrl: source.url });
    try {
      const key = await fileOne(original, 'billing easy Before the dump');
      await original.app.stop();
      execFileSync('pg_dump', ['--format=custom', `--file=${dump}`, source.url!]);
      // The target was migrated when it was made: a restore into an empty database replaces it whole.
      execFileSync('psql', [target.url!, '-q', '-c', 'drop schema public cascade; drop schema if exists drizzle cascade; create schema public;']);
      execFileSync('pg_restore', ['--no-owner', `--dbname=${target.url}`, dump]);
      const restored = await startHarness({ databaseUrl: target.url });
      try {
        expect(await issueByKey(restored, key)).toMatchObject({ summary: 'Before the dump', status: 'unclaimed' });
        expect(await fileOne(restored, 'billing easy After the restore')).toBe('ESC-2');
      } finally {
        await restored.stop();
      }
    } finally {
      await original.stop();
      await source.drop();
      await target.drop();
    }
  }, 60_000);
});
