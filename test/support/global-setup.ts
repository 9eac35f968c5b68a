import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';
import { connectTo, openDatabase } from '../../src/db/client.js';

/** Where the README says a local Postgres answers; the multi-connection tests use it when it does. */
export const DOCUMENTED_POSTGRES = 'postgres://postgres@127.0.0.1:5432/test';

declare module 'vitest' {
  export interface ProvidedContext {
    /** A Postgres for tests that need several connections, or '' when none answered. */
    severalConnectionsUrl: string;
    /** Why those tests are skipped, when they are. */
    severalConnectionsSkipped: string;
    /** A dump of a migrated PGlite database: each test database starts as a copy (see database.ts). */
    pgliteTemplatePath: string;
    /** On Postgres runs, a migrated database that each test database is created from. */
    postgresTemplate: string;
  }
}

async function answers(url: string): Promise<string | undefined> {
  const sql = connectTo(url, { max: 1, connect_timeout: 3, onnotice: () => {} });
  try {
    await sql`select 1`;
    return undefined;
  } catch (error) {
    return (error as Error).message;
  } finally {
    await sql.end({ timeout: 1 }).catch(() => undefined);
  }
}

/** Migrates one in-memory PGlite and dumps it: initdb and migrations then run once per test run, not per test. */
async function pgliteTemplate(dir: string): Promise<string> {
  const database = await openDatabase({});
  const dump = await database.dump!();
  await database.close();
  const path = join(dir, 'pglite-template.tar');
  writeFileSync(path, Buffer.from(await dump.arrayBuffer()));
  return path;
}

/** On a Postgres run, a migrated template database: `create database ... template` copies it in milliseconds. */
async function postgresTemplate(project: TestProject): Promise<() => Promise<void>> {
  const server = process.env.TEST_DATABASE_URL;
  const name = `frontline_template_${process.pid}`;
  project.provide('postgresTemplate', server ? name : '');
  if (!server) return async () => {};
  const admin = connectTo(server, { max: 1, onnotice: () => {} });
  await admin.unsafe(`drop database if exists ${name}`);
  await admin.unsafe(`create database ${name}`);
  const url = new URL(server);
  url.pathname = `/${name}`;
  const database = await openDatabase({ url: url.toString() });
  await database.close();
  return async () => {
    await admin.unsafe(`drop database if exists ${name} with (force)`);
    await admin.end();
  };
}

/**
 * The tests that start `frontline` as a process run it as users do: from the
 * compiled JavaScript (bin/frontline.js takes dist/ when it is current).
 */
function buildCompiledJs(): void {
  const tsc = fileURLToPath(new URL('../../node_modules/typescript/bin/tsc', import.meta.url));
  const project = fileURLToPath(new URL('../../tsconfig.build.json', import.meta.url));
  try {
    execFileSync(process.execPath, [tsc, '-p', project], { stdio: 'pipe' });
  } catch (error) {
    // Type errors still emit (the type check reports them); anything else leaves dist/ stale, and the sources run.
    process.stdout.write(`npm run build reported: ${String((error as { stdout?: Buffer }).stdout ?? error).slice(0, 2000)}\n`);
  }
}

const withoutPassword = (url: string) => url.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@');

/**
 * Runs once before the suite. PGlite serves one connection, so the tests of
 * several instances, SKIP LOCKED and kill -9 need a real Postgres: they run
 * whenever one answers at TEST_DATABASE_URL or at the documented local address,
 * and the run ends by saying plainly when they were skipped, and why.
 */
export default async function setup(project: TestProject) {
  buildCompiledJs();
  const url = process.env.TEST_DATABASE_URL || DOCUMENTED_POSTGRES;
  const problem = await answers(url);
  const skipped = problem ? `no Postgres answered at ${withoutPassword(url)} (${problem})` : '';
  project.provide('severalConnectionsUrl', problem ? '' : url);
  project.provide('severalConnectionsSkipped', skipped);
  const dir = mkdtempSync(join(tmpdir(), 'frontline-templates-'));
  project.provide('pgliteTemplatePath', await pgliteTemplate(dir));
  const dropPostgresTemplate = await postgresTemplate(project);
  return async () => {
    rmSync(dir, { recursive: true, force: true });
    await dropPostgresTemplate();
    if (skipped) {
      process.stdout.write(`\nSKIPPED: the tests that need several database connections (two instances, SKIP LOCKED, kill -9): ${skipped}. `
        + 'Start Postgres there, or set TEST_DATABASE_URL.\n');
    }
  };
}
