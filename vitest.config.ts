import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Finds out once whether a Postgres for the multi-connection tests answers, and reports when it does not.
    globalSetup: ['test/support/global-setup.ts'],
    // Each e2e file starts its own app, sandbox and database; two cores run two files at once.
    maxWorkers: 2,
    testTimeout: 20_000,
    hookTimeout: 30_000,
  },
});
