import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/client.js';

const dir = mkdtempSync(join(tmpdir(), 'frontline-data-dir-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('a new PGlite DATA_DIR', () => {
  it('is made aside and moved in; a first start killed while moving it in starts over on the next', async () => {
    const data = join(dir, 'killed-while-moving');
    mkdirSync(join(data, 'base', '1'), { recursive: true });
    writeFileSync(join(data, 'base', '1', 'leftover'), 'half a database');
    // What the killed start left: one entry moved in, listed as its own, and no PG_VERSION.
    writeFileSync(join(data, '.initialising-moved'), JSON.stringify(['base', 'global']));
    writeFileSync(join(data, 'notes.txt'), 'not the database\'s: stays');
    const database = await openDatabase({ dataDir: data });
    try {
      expect(await database.ping()).toBe(true);
    } finally {
      await database.close();
    }
    expect(existsSync(join(data, 'PG_VERSION'))).toBe(true);
    expect(existsSync(join(data, 'base', '1', 'leftover'))).toBe(false);
    expect(existsSync(join(data, 'notes.txt'))).toBe(true);
    expect(readdirSync(data).filter((entry) => entry.startsWith('.initialising'))).toEqual([]);
  });
});
