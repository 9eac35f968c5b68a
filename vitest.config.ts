import { configDefaults, defineConfig } from 'vitest/config';

/**
 * Files that never read TEST_DATABASE_URL: pure units, and commands that run on
 * their own PGlite DATA_DIR or their own throwaway Postgres. A run against
 * Postgres (CI's second pass) would repeat them exactly, so it leaves them out.
 */
const SAME_ON_EVERY_DATABASE = [
  'test/unit/**',
  'test/playground/**',
  'test/cli/frontline-cli.test.ts',
  'test/cli/frontline-start.test.ts',
  'test/cli/start-faults.test.ts',
  'test/cli/check-slack.test.ts',
];

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    exclude: [...configDefaults.exclude, ...(process.env.TEST_DATABASE_URL ? SAME_ON_EVERY_DATABASE : [])],
    // Finds out once whether a Postgres for the multi-connection tests answers, and reports when it does not.
    globalSetup: ['test/support/global-setup.ts'],
    // Each e2e file starts its own app, sandbox and database; two cores run two files at once.
    maxWorkers: 2,
    // Files share their worker's modules: PGlite's WebAssembly, Bolt and drizzle load once per worker rather than
    // once per file, which halves the suite's time. Files share nothing else: each starts its own app, sandbox and
    // database, and none mocks a module or stubs a global.
    isolate: false,
    testTimeout: 20_000,
    hookTimeout: 30_000,
  },
});
