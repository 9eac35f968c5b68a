import { parseArgs } from 'node:util';
import { UsageError } from './cli-errors.js';
import { loadDotEnv, readConfig } from './config.js';
import { textTable, withDatabase } from './command-kit.js';
import { failedMessages, requeueFailed } from './db/outbox-store.js';

const LIST_LIMIT = 200;

/**
 * `frontline outbox`: the Slack messages Frontline gave up on, newest first.
 * `frontline outbox retry <id>... | --all`: puts them back in their lanes, to be
 * sent by the running bot (or at its next start). On PGlite, run it while the
 * bot is stopped: the embedded database serves one process at a time.
 */
export async function outboxCommand(args: string[]): Promise<void> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { all: { type: 'boolean' } } });
  const [action, ...ids] = positionals;
  if (action !== undefined && action !== 'retry') throw new UsageError(`unknown outbox action "${action}": use \`frontline outbox\` or \`frontline outbox retry <id>... | --all\``);
  if (action === 'retry' && !values.all && ids.length === 0) throw new UsageError('name the messages to resend (`frontline outbox retry 12 15`), or give --all');
  const numbers = ids.map((id) => {
    const n = Number(id);
    if (!Number.isInteger(n) || n <= 0) throw new UsageError(`"${id}" is not a message id; \`frontline outbox\` lists them`);
    return n;
  });
  loadDotEnv();
  const config = readConfig(process.env);
  await withDatabase(config, async (database) => {
    if (action === 'retry') {
      const requeued = await requeueFailed(database.db, values.all ? 'all' : numbers, new Date());
      const missing = numbers.filter((n) => !requeued.includes(n));
      process.stdout.write(`Queued ${requeued.length} message${requeued.length === 1 ? '' : 's'} to be sent again${requeued.length ? `: ${requeued.join(', ')}` : ''}.\n`);
      if (missing.length) process.stdout.write(`Not given up on (sent, pending, or unknown): ${missing.join(', ')}.\n`);
      return;
    }
    const rows = await failedMessages(database.db, LIST_LIMIT);
    if (rows.length === 0) {
      process.stdout.write('No message has been given up on.\n');
      return;
    }
    const lines = rows.map((r) => [String(r.id), r.failedAt?.toISOString().replace(/\.\d+Z$/, 'Z') ?? '', r.kind, r.lane, r.issueId ? `ESC-${r.issueId}` : '-', r.lastError ?? '']);
    process.stdout.write(`${textTable([['id', 'given up at (UTC)', 'kind', 'to', 'issue', 'error'], ...lines])}\n`);
    if (rows.length === LIST_LIMIT) process.stdout.write(`(the latest ${LIST_LIMIT}; older ones are not shown)\n`);
    process.stdout.write('Resend with `frontline outbox retry <id>...` or `frontline outbox retry --all`.\n');
  });
}
