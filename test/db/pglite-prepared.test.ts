import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq, sql } from 'drizzle-orm';
import { openDatabase, rowsOf, type Database } from '../../src/db/client.js';
import { PREPARED_STATEMENTS_KEPT } from '../../src/db/pglite-prepared.js';
import { idempotencyKeys } from '../../src/db/schema.js';
import { pgliteTemplate } from '../support/database.js';

/**
 * PGlite's statements are prepared once and then run in one crossing
 * (src/db/pglite-prepared.ts). Every other suite runs through it on PGlite; these
 * pin what it must keep of PGlite's own query: types, errors, transactions, and
 * a bounded number of statements. PGlite only: Postgres goes through postgres.js.
 */
let database: Database;

beforeAll(async () => {
  database = await openDatabase({ template: pgliteTemplate() });
});
afterAll(() => database?.close());

/** The statements this session holds prepared whose text contains `marker`. */
async function preparedWith(marker: string): Promise<number> {
  const [row] = await rowsOf<{ n: number }>(database.db,
    sql`select count(*)::int as n from pg_prepared_statements where statement like ${`%${marker}%`} and statement not like '%pg_prepared_statements%'`);
  return row!.n;
}

describe('PGlite with prepared statements', () => {
  it('prepares a statement once, and serialises and parses values by their types on every run', async () => {
    const when = new Date('2026-12-03T09:00:00.000Z');
    for (let run = 1; run <= 3; run++) {
      const [row] = await rowsOf<{ at: string; doc: { run: number }; flag: boolean; nothing: null; n: number }>(database.db,
        sql`select ${when}::timestamptz as at, ${JSON.stringify({ run })}::jsonb as doc, ${run === 2}::boolean as flag,
          ${null}::text as nothing, ${run}::int + 1 as n /* marker-types */`);
      // drizzle's own parsers come before PGlite's: a timestamp arrives as Postgres's text, for drizzle to read.
      expect(typeof row!.at).toBe('string');
      expect(new Date(row!.at).toISOString()).toBe(when.toISOString());
      expect(row).toMatchObject({ doc: { run }, flag: run === 2, nothing: null, n: run + 1 });
    }
    expect(await preparedWith('marker-types')).toBe(1);
  });

  it('reports a failed statement with its Postgres code, and the next statement runs', async () => {
    await database.db.insert(idempotencyKeys).values({ key: 'prepared-dup', createdAt: new Date() });
    const duplicate = await database.db.insert(idempotencyKeys).values({ key: 'prepared-dup', createdAt: new Date() })
      .then(() => undefined, (error: Error & { cause?: { code?: string } }) => error);
    expect(duplicate?.cause?.code).toBe('23505');
    const misspelt = await rowsOf(database.db, sql`selec 1 /* marker-syntax */`).then(() => undefined, (error: Error) => error);
    expect(misspelt?.cause ?? misspelt).toMatchObject({ code: '42601' });
    expect(await preparedWith('marker-syntax')).toBe(0);
    const rows = await database.db.select().from(idempotencyKeys).where(eq(idempotencyKeys.key, 'prepared-dup'));
    expect(rows).toHaveLength(1);
  });

  it('rolls a failed transaction back whole, and its statements run again afterwards', async () => {
    const insertThenFail = () => database.db.transaction(async (tx) => {
      await tx.insert(idempotencyKeys).values({ key: 'prepared-rollback', createdAt: new Date() });
      await tx.execute(sql`select 1 / 0 /* marker-rollback */`);
    });
    for (let attempt = 0; attempt < 2; attempt++) {
      await expect(insertThenFail()).rejects.toMatchObject({ cause: { code: '22012' } });
    }
    expect(await database.db.select().from(idempotencyKeys).where(eq(idempotencyKeys.key, 'prepared-rollback'))).toEqual([]);
    await database.db.transaction((tx) => tx.insert(idempotencyKeys).values({ key: 'prepared-rollback', createdAt: new Date() }));
    expect(await database.db.select().from(idempotencyKeys).where(eq(idempotencyKeys.key, 'prepared-rollback'))).toHaveLength(1);
  });

  it('runs a statement from outside a transaction after the transaction, never inside it', async () => {
    let inside!: () => void;
    const holding = new Promise<void>((resolve) => { inside = resolve; });
    let release!: () => void;
    const released = new Promise<void>((resolve) => { release = resolve; });
    const transaction = database.db.transaction(async (tx) => {
      await tx.insert(idempotencyKeys).values({ key: 'prepared-inside', createdAt: new Date() });
      inside();
      await released;
      tx.rollback();
    }).catch(() => 'rolled back');
    await holding;
    // Issued while the transaction is open: had it run inside, the rollback would take it away too.
    const outside = database.db.insert(idempotencyKeys).values({ key: 'prepared-outside', createdAt: new Date() });
    release();
    await Promise.all([transaction, outside]);
    const keys = await database.db.select({ key: idempotencyKeys.key }).from(idempotencyKeys)
      .where(sql`${idempotencyKeys.key} in ('prepared-inside', 'prepared-outside')`);
    expect(keys.map((row) => row.key)).toEqual(['prepared-outside']);
  });

  it('prepares a statement again when the table under it changed, instead of failing from then on', async () => {
    await database.db.execute(sql`create table prepared_scratch (a int)`);
    await database.db.execute(sql`insert into prepared_scratch values (1)`);
    const all = () => rowsOf<Record<string, unknown>>(database.db, sql`select * from prepared_scratch /* marker-stale */`);
    expect(await all()).toEqual([{ a: 1 }]);
    await database.db.execute(sql`alter table prepared_scratch add column b text default 'x'`);
    expect(await all()).toEqual([{ a: 1, b: 'x' }]);
    // Inside a transaction the failed statement has aborted it: that transaction fails, and the next one runs.
    await database.db.execute(sql`alter table prepared_scratch add column c int default 3`);
    await expect(database.db.transaction((tx) => rowsOf(tx, sql`select * from prepared_scratch /* marker-stale */`))).rejects.toThrow();
    expect(await database.db.transaction((tx) => rowsOf(tx, sql`select * from prepared_scratch /* marker-stale */`))).toEqual([{ a: 1, b: 'x', c: 3 }]);
  });

  it('refuses a value it cannot send before writing any of the statement, and the next statement runs', async () => {
    await expect(rowsOf(database.db, sql`select ${5}::int[] as list`)).rejects.toMatchObject({ cause: { message: expect.stringMatching(/could not be sent/) } });
    const [row] = await rowsOf<{ n: number }>(database.db, sql`select ${7}::int as n`);
    expect(row!.n).toBe(7);
  });

  it(`keeps at most ${PREPARED_STATEMENTS_KEPT} statements, and one closed for room is prepared again when it comes back`, async () => {
    const distinct = PREPARED_STATEMENTS_KEPT + 30;
    for (let i = 0; i < distinct; i++) {
      const [row] = await rowsOf<{ n: number }>(database.db, sql.raw(`select ${i} as n /* marker-many-${i} */`));
      expect(row!.n).toBe(i);
    }
    // The closes of the last evicted statements go out with the next statement, which this count is.
    expect(await preparedWith('marker-many-')).toBeLessThanOrEqual(PREPARED_STATEMENTS_KEPT);
    expect(await preparedWith('marker-many-0 ')).toBe(0);
    const [again] = await rowsOf<{ n: number }>(database.db, sql.raw('select 0 as n /* marker-many-0 */'));
    expect(again!.n).toBe(0);
    expect(await preparedWith('marker-many-0 ')).toBe(1);
  });
});
