import { parseArgs } from 'node:util';
import { UsageError } from './cli-errors.js';
import { loadDotEnv, readConfig } from './config.js';
import { dateOption, withDatabase } from './command-kit.js';
import type { Database } from './db/client.js';
import { exportIssues, forgetCustomer, type ExportedIssue } from './db/customer-data.js';

/**
 * The customer data commands: `forget` (erasure on request) and `export` (a
 * subject access request, an audit, a move to another tool). On PGlite, stop the
 * bot first: the embedded database serves one process at a time.
 */

/** The configured database, for one command. */
function onDatabase<T>(work: (db: Database['db']) => Promise<T>): Promise<T> {
  loadDotEnv();
  return withDatabase(readConfig(process.env), (database) => work(database.db));
}

/** `frontline forget --customer-ref REF | --issue ESC-n` */
export async function forgetCommand(args: string[]): Promise<void> {
  const { values } = parseArgs({ args, options: { 'customer-ref': { type: 'string' }, issue: { type: 'string' } } });
  const ref = values['customer-ref']?.trim();
  const key = values.issue?.trim();
  if (!ref === !key) throw new UsageError('give --customer-ref REF or --issue ESC-n (one of them)');
  if (key && !/^ESC-\d+$/i.test(key)) throw new UsageError(`--issue "${key}" is not an issue key such as ESC-12`);
  const erased = await onDatabase((db) => forgetCustomer(db, ref ? { customerRef: ref } : { issueKey: key! }, new Date()));
  if (erased.length === 0) {
    process.stdout.write(`No issue ${ref ? `has the customer reference "${ref}"` : `is ${key!.toUpperCase()}`}: nothing erased.\n`);
    return;
  }
  process.stdout.write(`Erased the customer's text from ${erased.length} issue${erased.length === 1 ? '' : 's'} (${erased.join(', ')}): `
    + 'summary, details, customer reference and notes, in the database; the figures are kept. '
    + 'Their cards in Slack are rewritten by the running bot.\n');
}

/** A CSV field: quoted when it holds a comma, a quote or a line break; a formula-looking start is defused. */
function csvField(value: unknown): string {
  let text = value === null || value === undefined ? '' : typeof value === 'string' ? value : JSON.stringify(value);
  // Spreadsheets run cells starting with = + - @ as formulas: an agent's text must stay text.
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

const CSV_COLUMNS = ['key', 'filedAt', 'team', 'category', 'level', 'origin', 'status', 'summary', 'details', 'customerRef', 'agentId',
  'claimedBy', 'claimedAt', 'resolvedBy', 'resolvedAt', 'resolution', 'parent'] as const;

/** One row per event, each with its issue's columns: a timeline reads down the rows. */
function csvRows(issue: ExportedIssue): string[] {
  const base = CSV_COLUMNS.map((c) => csvField(issue[c]));
  return issue.timeline.map((e) => [...base, csvField(e.type), csvField(e.at), csvField(e.actor), csvField(e.details)].join(','));
}

/** `frontline export [--from D] [--to D] [--format csv|json]`: to stdout, a page of issues at a time. */
export async function exportCommand(args: string[]): Promise<void> {
  const { values } = parseArgs({ args, options: { from: { type: 'string' }, to: { type: 'string' }, format: { type: 'string', default: 'json' } } });
  if (values.format !== 'json' && values.format !== 'csv') throw new UsageError(`--format "${values.format}" is not one of csv, json`);
  const from = values.from === undefined ? new Date(0) : dateOption('from', values.from);
  const to = values.to === undefined ? new Date() : dateOption('to', values.to);
  if (from >= to) throw new UsageError('--from must be before --to');
  await onDatabase(async (db) => {
    if (values.format === 'csv') process.stdout.write(`${[...CSV_COLUMNS, 'eventType', 'eventAt', 'eventActor', 'eventDetails'].join(',')}\n`);
    else process.stdout.write('[');
    let first = true;
    for await (const issue of exportIssues(db, from, to)) {
      if (values.format === 'csv') process.stdout.write(`${csvRows(issue).join('\n')}\n`);
      else process.stdout.write(`${first ? '' : ','}\n${JSON.stringify(issue)}`);
      first = false;
    }
    if (values.format === 'json') process.stdout.write('\n]\n');
  });
}
