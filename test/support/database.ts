import { randomBytes } from 'node:crypto';
import postgres from 'postgres';

/** Set TEST_DATABASE_URL to run the database and e2e suites on real Postgres as well as PGlite. */
export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL || undefined;
export const onPostgres = TEST_DATABASE_URL !== undefined;

/**
 * A fresh, empty database for one test file on the TEST_DATABASE_URL server, dropped
 * afterwards; or undefined for in-memory PGlite.
 */
export async function freshDatabase(): Promise<{ url?: string; drop: () => Promise<void> }> {
  if (!TEST_DATABASE_URL) return { drop: async () => {} };
  const name = `frontline_test_${randomBytes(5).toString('hex')}`;
  const admin = postgres(TEST_DATABASE_URL, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  await admin.end();
  const url = new URL(TEST_DATABASE_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const sql = postgres(TEST_DATABASE_URL, { max: 1, onnotice: () => {} });
      await sql.unsafe(`drop database if exists ${name} with (force)`);
      await sql.end();
    },
  };
}
