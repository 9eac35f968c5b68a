import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import { sql } from 'drizzle-orm';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import { migrate as migratePostgres } from 'drizzle-orm/postgres-js/migrator';
import postgres from 'postgres';
import { lockDataDir } from './data-dir-lock.js';
import * as schema from './schema.js';

export type Db = PgDatabase<PgQueryResultHKT, typeof schema>;
export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];

export interface Database {
  db: Db;
  kind: 'pglite' | 'postgres';
  /** PGlite only: its whole data directory, to start copies from (see DatabaseOptions.template). */
  dump?: () => Promise<Blob>;
  /** True while the database answers a trivial query. */
  ping(): Promise<boolean>;
  close(): Promise<void>;
}

const migrationsFolder = fileURLToPath(new URL('../../drizzle', import.meta.url));

export interface DatabaseOptions {
  /** postgres:// URL; without it the embedded PGlite is used. */
  url?: string;
  /** Where PGlite keeps its files; undefined keeps it in memory (tests, the demo). */
  dataDir?: string;
  /**
   * An in-memory PGlite starts as a copy of this dump (`dumpDataDir`) instead of
   * running initdb: about half a second instead of two, for tests that start many.
   */
  template?: Blob;
  /** Called if another process takes over DATA_DIR's lock; from then on `ping` answers false. */
  onLockLost?: (error: Error) => void;
}

/** Opens the database and applies pending migrations. Both drivers go through the same drizzle code. */
export async function openDatabase(options: DatabaseOptions): Promise<Database> {
  const database = options.url ? openPostgres(options.url) : await openPglite(options.dataDir, options.onLockLost, options.template);
  try {
    if (database.kind === 'postgres') await migratePostgres(database.db as never, { migrationsFolder });
    else await migratePglite(database.db as never, { migrationsFolder });
  } catch (error) {
    await database.close();
    throw error;
  }
  return database;
}

async function openPglite(dataDir?: string, onLockLost?: (error: Error) => void, template?: Blob): Promise<Database> {
  let lockLost = false;
  let release: (() => Promise<void>) | undefined;
  if (dataDir) {
    mkdirSync(dataDir, { recursive: true });
    release = await lockDataDir(dataDir, (error) => {
      lockLost = true;
      onLockLost?.(error);
    });
  }
  const client = await (dataDir ? PGlite.create(dataDir) : PGlite.create({ loadDataDir: template })).catch(async (error: unknown) => {
    await release?.();
    throw error;
  });
  const db = drizzlePglite(client, { schema }) as unknown as Db;
  return {
    db,
    kind: 'pglite',
    dump: () => client.dumpDataDir('none'),
    ping: async () => !lockLost && (await ping(db)),
    close: async () => {
      if (!client.closed) await client.close();
      if (release && !lockLost) await release().catch(() => undefined);
      release = undefined;
    },
  };
}

function openPostgres(url: string): Database {
  // Notices (e.g. "relation already exists, skipping") are not errors; keep them out of the logs.
  // JIT compiling costs tens of milliseconds per report query and saves nothing on the few thousand rows they read.
  const client = postgres(url, { max: 10, onnotice: () => {}, connect_timeout: 10, connection: { jit: 'off' } });
  const db = drizzlePostgres(client, { schema }) as unknown as Db;
  return { db, kind: 'postgres', ping: () => ping(db), close: () => client.end({ timeout: 5 }) };
}

async function ping(db: Db): Promise<boolean> {
  try {
    await db.execute(sql`select 1`);
    return true;
  } catch {
    return false;
  }
}
