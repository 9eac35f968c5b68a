import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { inject } from 'vitest';
import { connectTo } from '../../src/db/client.js';

/** Set TEST_DATABASE_URL to run the database and e2e suites on real Postgres as well as PGlite. */
export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL || undefined;
export const onPostgres = TEST_DATABASE_URL !== undefined;

/**
 * A Postgres for the tests that need several connections (two instances, SKIP
 * LOCKED, kill -9): TEST_DATABASE_URL, or the documented local one when it
 * answers. Undefined when neither does; global-setup.ts then says so.
 */
export const SEVERAL_CONNECTIONS_URL = inject('severalConnectionsUrl') || undefined;
export const severalConnectionsSkipped = inject('severalConnectionsSkipped');

/** A migrated in-memory PGlite, as a dump that each test's database starts from (made once, in global-setup.ts). */
let template: Blob | undefined;
export function pgliteTemplate(): Blob {
  template ??= new Blob([readFileSync(inject('pgliteTemplatePath'))]);
  return template;
}

/**
 * A fresh, migrated database for one test file (or one test) on `server` (by
 * default the TEST_DATABASE_URL server), dropped afterwards; or no URL, for an
 * in-memory PGlite started from `pgliteTemplate()`.
 */
export async function freshDatabase(server = TEST_DATABASE_URL): Promise<{ url?: string; template?: Blob; drop: () => Promise<void> }> {
  if (!server) return { template: pgliteTemplate(), drop: async () => {} };
  const name = `frontline_test_${randomBytes(5).toString('hex')}`;
  const admin = connectTo(server, { max: 1, onnotice: () => {} });
  // The migrated template exists on the TEST_DATABASE_URL server only; elsewhere migrations run at open.
  const from = server === TEST_DATABASE_URL && inject('postgresTemplate') ? ` template ${inject('postgresTemplate')}` : '';
  await admin.unsafe(`create database ${name}${from}`);
  await admin.end();
  const url = new URL(server);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const sql = connectTo(server, { max: 1, onnotice: () => {} });
      await sql.unsafe(`drop database if exists ${name} with (force)`);
      await sql.end();
    },
  };
}
