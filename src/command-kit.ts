import { UsageError } from './cli-errors.js';
import type { Config } from './config.js';
import type { Database } from './db/client.js';

/** What the `frontline` commands share: their date options, their tables, and their database. */

/** `--from 2026-11-01`: an ISO 8601 date or time, or one line saying what to write. */
export function dateOption(option: string, value: string): Date {
  const parsed = new Date(value);
  if (Number.isNaN(parsed.getTime())) throw new UsageError(`--${option} "${value}" is not a date; use ISO 8601, e.g. 2026-11-23 or 2026-11-23T09:00:00Z`);
  return parsed;
}

/** Rows as aligned columns, for a terminal. */
export function textTable(rows: string[][], indent = ''): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows.map((r) => `${indent}${r.map((cell, i) => cell.padEnd(widths[i]!)).join('  ')}`.trimEnd()).join('\n');
}

/**
 * Runs `work` on the configured database (DATABASE_URL, or PGlite in DATA_DIR:
 * stop the bot first, as PGlite serves one process), and closes it whatever happens.
 */
export async function withDatabase<T>(config: Config, work: (database: Database) => Promise<T>): Promise<T> {
  // Loaded here, not at the top: `check` and `explain` never touch a database, and PGlite is heavy to load.
  const { openDatabase } = await import('./db/client.js');
  const database = await openDatabase({ url: config.databaseUrl, dataDir: config.dataDir });
  try {
    return await work(database);
  } finally {
    await database.close();
  }
}
