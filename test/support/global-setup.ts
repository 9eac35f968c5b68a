import postgres from 'postgres';
import type { TestProject } from 'vitest/node';

/** Where the README says a local Postgres answers; the multi-connection tests use it when it does. */
export const DOCUMENTED_POSTGRES = 'postgres://postgres@127.0.0.1:5432/test';

declare module 'vitest' {
  export interface ProvidedContext {
    /** A Postgres for tests that need several connections, or '' when none answered. */
    severalConnectionsUrl: string;
    /** Why those tests are skipped, when they are. */
    severalConnectionsSkipped: string;
  }
}

async function answers(url: string): Promise<string | undefined> {
  const sql = postgres(url, { max: 1, connect_timeout: 3, onnotice: () => {} });
  try {
    await sql`select 1`;
    return undefined;
  } catch (error) {
    return (error as Error).message;
  } finally {
    await sql.end({ timeout: 1 }).catch(() => undefined);
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
  const url = process.env.TEST_DATABASE_URL || DOCUMENTED_POSTGRES;
  const problem = await answers(url);
  const skipped = problem ? `no Postgres answered at ${withoutPassword(url)} (${problem})` : '';
  project.provide('severalConnectionsUrl', problem ? '' : url);
  project.provide('severalConnectionsSkipped', skipped);
  return () => {
    if (skipped) {
      process.stdout.write(`\nSKIPPED: the tests that need several database connections (two instances, SKIP LOCKED, kill -9): ${skipped}. `
        + 'Start Postgres there, or set TEST_DATABASE_URL.\n');
    }
  };
}
