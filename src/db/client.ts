import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql, type SQL } from 'drizzle-orm';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import type { PGlite as PGliteInstance } from '@electric-sql/pglite';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import { migrate as migratePostgres } from 'drizzle-orm/postgres-js/migrator';
import postgres from 'postgres';
import { TIMED_OUT, within } from '../time-limit.js';
import { lockDataDir } from './data-dir-lock.js';
import { withPreparedStatements } from './pglite-prepared.js';
import * as schema from './schema.js';

export type Db = PgDatabase<PgQueryResultHKT, typeof schema>;
export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];

/** The rows of a raw query, whichever driver ran it: postgres.js returns an array, PGlite `{ rows }`. */
export async function rowsOf<T>(db: Db | Tx, query: SQL): Promise<T[]> {
  const result = (await db.execute(query)) as unknown as T[] | { rows: T[] };
  return Array.isArray(result) ? result : result.rows;
}

/** The PGlite databases this process opened (PGlite itself is loaded only when one is). */
const pgliteDatabases = new WeakSet<Db>();

/**
 * True for a database that serves one connection (PGlite): its transactions run
 * one at a time, so none waits on another's row locks.
 */
export const servesOneConnection = (db: Db): boolean => pgliteDatabases.has(db);

export interface Database {
  db: Db;
  kind: 'pglite' | 'postgres';
  /** How many statements it runs at once: the pool's connections (PGlite has one). */
  connections: number;
  /** True while the database answers a trivial query. */
  ping(): Promise<boolean>;
  /** PGlite only: its whole data directory, to start copies from (see DatabaseOptions.template). */
  dump?: () => Promise<Blob>;
  close(): Promise<void>;
}

/** A database that cannot be opened, said in one line that names the setting to fix. */
export class DatabaseStartError extends Error {}

const migrationsFolder = fileURLToPath(new URL('../../drizzle', import.meta.url));

/** How long start-up waits for a database that accepted the connection to answer, before saying so. */
const ANSWER_TIMEOUT_MS = 15_000;

/**
 * One key for every Frontline instance sharing a Postgres: whoever holds it
 * applies the migrations, and the others wait, then find nothing left to do.
 */
const MIGRATION_LOCK = 0x46524f4e; // "FRON"

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
  /** Told why start-up waits, when it has to (a lock left by a crashed process). */
  onWait?: (message: string) => void;
}

/** Opens the database and applies pending migrations. Both drivers go through the same drizzle code. */
export async function openDatabase(options: DatabaseOptions): Promise<Database> {
  const { database, migrate } = options.url ? await openPostgres(options.url) : await openPglite(options);
  try {
    await migrate();
  } catch (error) {
    await database.close();
    throw error;
  }
  return database;
}

/** A database just opened, and how to bring its schema up to date. */
interface Opened {
  database: Database;
  migrate(): Promise<void>;
}

async function openPglite(options: DatabaseOptions): Promise<Opened> {
  const { dataDir, onLockLost, template } = options;
  let lockLost = false;
  let release: (() => Promise<void>) | undefined;
  if (dataDir) {
    checkWritable(dataDir);
    release = await lockDataDir(dataDir, (error) => {
      lockLost = true;
      onLockLost?.(error);
    }, options.onWait);
  }
  const { PGlite, drizzle, migrate, pg_trgm } = await pgliteModules();
  // pg_trgm scores how alike two escalations are (swarm detection); on Postgres, migration 0006 creates it.
  const settings = { startParams: pgliteStartParams(PGlite.defaultStartParams), extensions: { pg_trgm } };
  const opening = dataDir
    ? initialiseDataDir(dataDir, settings.startParams).then(() => PGlite.create(dataDir, settings))
    : PGlite.create({ loadDataDir: template, ...settings });
  const client = await opening.catch(async (error: unknown) => {
    await release?.();
    throw error;
  });
  // The migrations run through PGlite's own queries, so no statement is prepared against a schema they then change.
  const db = drizzle({ client: withPreparedStatements(client) as unknown as PGliteInstance, schema }) as unknown as Db;
  pgliteDatabases.add(db);
  const database: Database = {
    db,
    kind: 'pglite',
    connections: 1,
    dump: () => client.dumpDataDir('none'),
    ping: async () => !lockLost && (await ping(db)),
    close: async () => {
      if (!client.closed) await client.close();
      if (release && !lockLost) await release().catch(() => undefined);
      release = undefined;
    },
  };
  return { database, migrate: () => migrate(drizzle(client, { schema }), { migrationsFolder }) };
}

/** PGlite and its drizzle driver, loaded once and only when used: a bot on Postgres starts about 13 MB smaller without them. */
const pgliteModules = () => (pglite ??= loadPglite());
let pglite: ReturnType<typeof loadPglite> | undefined;

async function loadPglite() {
  const [{ PGlite }, { pg_trgm }, { drizzle }, { migrate }] = await Promise.all([
    import('@electric-sql/pglite'), import('@electric-sql/pglite/contrib/pg_trgm'), import('drizzle-orm/pglite'), import('drizzle-orm/pglite/migrator'),
  ]);
  return { PGlite, pg_trgm, drizzle, migrate };
}

/**
 * PGlite runs Postgres inside this process, so its buffers are this process's
 * memory: 16 MB of shared buffers (Postgres's default is 128 MB) keeps a
 * long-running bot near 200 MB, and Frontline's working set (open issues, the
 * outbox's head) fits in it many times over.
 */
const pgliteStartParams = (defaults: string[]) => [...defaults, '-c', 'shared_buffers=16MB'];

/**
 * initdb's memory (about half a gigabyte) stays with the process that ran it:
 * WebAssembly memory never shrinks, and even a worker thread's leaves a few
 * hundred MB in the allocator once the thread ends (measured: 130 MB more under
 * load for the whole first run). A new DATA_DIR is therefore initialised in a
 * short-lived child process, whose memory all goes back when it exits, and then
 * opened here. It is made in a staging directory inside DATA_DIR and moved into
 * place with PG_VERSION last, so a first start killed half-way leaves no
 * directory that passes for a whole one.
 */
async function initialiseDataDir(dataDir: string, startParams: string[]): Promise<void> {
  if (existsSync(join(dataDir, 'PG_VERSION'))) return;
  const staging = join(dataDir, '.initialising');
  const moved = join(dataDir, '.initialising-moved');
  undoUnfinishedMove(dataDir, moved);
  rmSync(staging, { recursive: true, force: true });
  await runInitdb(dataDir, staging, startParams);
  moveIntoPlace(dataDir, staging, moved);
}

/** A start killed while it moved the database in left some of its entries, listed in `moved`: they go, and it starts over. */
function undoUnfinishedMove(dataDir: string, moved: string): void {
  if (!existsSync(moved)) return;
  for (const entry of JSON.parse(readFileSync(moved, 'utf8')) as string[]) rmSync(join(dataDir, entry), { recursive: true, force: true });
  rmSync(moved);
}

/**
 * Moves the staged database into DATA_DIR, PG_VERSION last. The entries it adds
 * are listed in `moved` first (not the user's own files), so that a start killed
 * half-way can remove them.
 */
function moveIntoPlace(dataDir: string, staging: string, moved: string): void {
  const entries = readdirSync(staging).filter((entry) => entry !== 'PG_VERSION');
  writeFileSync(moved, JSON.stringify(entries.filter((entry) => !existsSync(join(dataDir, entry)))));
  for (const entry of [...entries, 'PG_VERSION']) {
    try {
      renameSync(join(staging, entry), join(dataDir, entry));
    } catch (error) {
      throw new DatabaseStartError(`DATA_DIR ${dataDir}: could not initialise the embedded database: ${entry} is in the way `
        + `(${(error as NodeJS.ErrnoException).code}); point DATA_DIR at an empty directory`);
    }
  }
  rmSync(moved);
  rmSync(staging, { recursive: true, force: true });
}

async function runInitdb(dataDir: string, staging: string, startParams: string[]): Promise<void> {
  // The child stops if this process goes first (its stdin closes), so a bot stopped during its first start leaves
  // no initdb writing on behind it. Its error goes out before it exits: a pipe's writes are asynchronous.
  const child = spawn(process.execPath, ['--input-type=module', '-e', `
    process.stdin.on('end', () => process.exit(2)).resume();
    const [pglite, dataDir, startParams] = JSON.parse(process.argv[1]);
    try {
      const { PGlite } = await import(pglite);
      await (await PGlite.create(dataDir, { startParams })).close();
      process.exit(0);
    } catch (error) {
      // PGlite's file errors are Emscripten's, with an errno and no message.
      const why = error?.message ?? (error?.errno ? 'its file system failed (Emscripten errno ' + error.errno + ')' : String(error));
      process.stderr.write(why, () => process.exit(1));
    }
  `, JSON.stringify([import.meta.resolve('@electric-sql/pglite'), staging, startParams])], { stdio: ['pipe', 'ignore', 'pipe'] });
  let said = '';
  child.stderr.on('data', (chunk: Buffer) => (said = (said + chunk.toString()).slice(-1_000)));
  let timedOut = false;
  const tooLong = setTimeout(() => {
    timedOut = true;
    child.kill('SIGKILL');
  }, INITDB_TIMEOUT_MS);
  // 'close', not 'exit': the child's last words may still be in the pipe when it exits.
  const ended = await once(child, 'close').then(
    ([code, signal]) => ({ code: code as number | null, signal: signal as NodeJS.Signals | null }),
    (error: Error) => ({ error }),
  ).finally(() => clearTimeout(tooLong));
  if ('code' in ended && ended.code === 0) return;
  const why = 'error' in ended
    ? `could not start a process to initialise it (${ended.error.message})`
    : said.trim().split('\n').pop() || (timedOut ? `initialising took over ${INITDB_TIMEOUT_MS / 1000} s` : `the initialising process exited (${ended.signal ?? ended.code})`);
  throw new DatabaseStartError(`DATA_DIR ${dataDir}: could not initialise the embedded database: ${why}`);
}

/** A new DATA_DIR takes 2 to 5 s to initialise; one that takes this long is stuck (a full or hung disk). */
const INITDB_TIMEOUT_MS = 120_000;

/**
 * DATA_DIR must exist and take writes before PGlite is pointed at it: PGlite
 * on a directory it cannot write spins instead of failing.
 */
function checkWritable(dataDir: string): void {
  const probe = join(dataDir, `.frontline-write-check-${process.pid}`);
  try {
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(probe, 'ok');
    rmSync(probe, { force: true });
  } catch (error) {
    const e = error as NodeJS.ErrnoException;
    throw new DatabaseStartError(`DATA_DIR ${dataDir} is not a directory Frontline can write to (${e.code ?? e.message}): `
      + 'point DATA_DIR at a writable directory, or set DATABASE_URL to use Postgres.');
  }
}

/**
 * drizzle hands postgres.js every query as an unnamed statement, and postgres.js
 * describes an unnamed statement with parameters in a round trip of its own
 * before running it; until that answer comes back, nothing else is pipelined on
 * the connection. As named statements they are described once per connection
 * (postgres.js recycles connections every 30 to 60 minutes, which bounds what
 * each keeps), and a filing's independent writes really go out together.
 * `?prepare=false` in DATABASE_URL turns this off, for a pooler that cannot keep
 * prepared statements.
 */
function preparing(client: postgres.Sql): postgres.Sql {
  const inScope = <A extends unknown[]>(open: (...args: A) => unknown) => (...args: A) => {
    const work = args.pop() as (scoped: postgres.Sql) => unknown;
    return open(...([...args, (scoped: postgres.Sql) => work(preparing(scoped))] as A));
  };
  return new Proxy(client, {
    get(target, key, receiver) {
      if (key === 'unsafe') {
        return (query: string, params?: never[], options?: postgres.UnsafeQueryOptions) => target.unsafe(query, params, { ...options, prepare: true });
      }
      if (key === 'begin') return inScope(target.begin.bind(target) as (...args: unknown[]) => unknown);
      if (key === 'savepoint' && 'savepoint' in target) return inScope((target as unknown as postgres.TransactionSql).savepoint.bind(target) as (...args: unknown[]) => unknown);
      return Reflect.get(target, key, receiver) as unknown;
    },
  });
}

/**
 * A postgres.js client for DATABASE_URL. libpq's `?host=/var/run/postgresql` (a
 * Unix socket, as psql and pg_dump read it) becomes postgres.js's host option:
 * postgres.js would send it to the server as a setting, which refuses it.
 */
export function connectTo(url: string, options: postgres.Options<Record<string, postgres.PostgresType>>): postgres.Sql {
  // Only such a URL is parsed here: postgres.js also takes several hosts (h1:5432,h2:5433), which URL cannot.
  if (!/[?&]host=/.test(url)) return postgres(url, options);
  const parsed = new URL(url);
  const host = parsed.searchParams.get('host')!;
  parsed.searchParams.delete('host');
  return postgres(parsed.toString(), { ...options, host });
}

const POOL_SIZE = 10;

async function openPostgres(url: string): Promise<Opened> {
  const client = connectTo(url, {
    max: POOL_SIZE,
    // Notices (e.g. "relation already exists, skipping") are not errors; keep them out of the logs.
    onnotice: () => {},
    connect_timeout: 10,
    // postgres.js otherwise reads the array types on every new connection, and a connection lost during that
    // read becomes an unhandled rejection (a crash) instead of a failed query. Frontline stores no arrays.
    fetch_types: false,
    connection: {
      // JIT compiling costs tens of milliseconds per report query and saves nothing on the few thousand rows they read.
      jit: 'off',
      // A transaction left open by a process that died releases its locks after a minute.
      idle_in_transaction_session_timeout: 60_000,
    },
  });
  const db = drizzlePostgres(preparing(client), { schema }) as unknown as Db;
  const database: Database = { db, kind: 'postgres', connections: POOL_SIZE, ping: () => ping(db), close: () => client.end({ timeout: 5 }) };
  const answered = await within(client`select 1`.then(() => undefined, (error: unknown) => error), ANSWER_TIMEOUT_MS);
  if (answered !== undefined) {
    await client.end({ timeout: 1 }).catch(() => undefined);
    throw new DatabaseStartError(`DATABASE_URL ${withoutPassword(url)}: ${answered === TIMED_OUT
      ? `the server accepted the connection but did not answer within ${ANSWER_TIMEOUT_MS / 1000} s`
      : connectionProblem(answered)}.`);
  }
  return { database, migrate: () => migrateSerialised(database, url) };
}

/**
 * Applies migrations while holding an advisory lock, so that several instances
 * started together on an empty database do not race to create the same tables.
 * The lock is taken on one reserved connection and released when done.
 */
async function migrateSerialised(database: Database, url: string): Promise<void> {
  // An instance stuck while holding the lock must not hold up the others' start for ever.
  const lockClient = connectTo(url, { max: 1, onnotice: () => {}, connect_timeout: 10, connection: { statement_timeout: 20_000 } });
  try {
    await lockClient`select pg_advisory_lock(${MIGRATION_LOCK})`.catch((error: unknown) => {
      throw new DatabaseStartError(`DATABASE_URL ${withoutPassword(url)}: waited 20 s for another instance to finish migrating (${connectionProblem(error)}).`);
    });
    await migratePostgres(database.db as never, { migrationsFolder });
  } finally {
    await lockClient`select pg_advisory_unlock(${MIGRATION_LOCK})`.catch(() => undefined);
    await lockClient.end({ timeout: 1 }).catch(() => undefined);
  }
}

/** Why Postgres could not be reached, in words: refused, authentication, no such database, unknown host, timeout. */
export function connectionProblem(error: unknown): string {
  const e = error as { code?: string; message?: string; hostname?: string; address?: string; port?: number };
  switch (e.code) {
    case 'ECONNREFUSED':
      return `the connection was refused (${e.address ?? 'host'}:${e.port ?? ''}): is Postgres running there?`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `unknown host ${e.hostname ?? ''}`.trimEnd();
    case 'CONNECT_TIMEOUT':
    case 'ETIMEDOUT':
      return 'the connection timed out';
    case '28P01':
    case '28000':
      return `authentication failed (${e.message ?? 'check the user and password'})`;
    case '3D000':
      return `no such database (${e.message ?? ''})`;
    default:
      return `${e.code ? `${e.code}: ` : ''}${e.message ?? String(error)}`;
  }
}

const withoutPassword = (url: string) => url.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@');

async function ping(db: Db): Promise<boolean> {
  try {
    await db.execute(sql`select 1`);
    return true;
  } catch {
    return false;
  }
}
