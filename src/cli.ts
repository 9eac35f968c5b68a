import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { TZDate } from '@date-fns/tz';
import { ConfigError, loadDotEnv, readConfig, requireSlackCredentials } from './config.js';
import { formatDuration } from './domain/durations.js';
import { defaultOrigin } from './domain/quick-form.js';
import { didYouMean } from './domain/routing/did-you-mean.js';
import type { Matrix } from './domain/routing/matrix.js';
import { routeIssue } from './domain/routing/route-issue.js';
import { explainLines } from './domain/routing/explain-lines.js';
import { RoutingFileError, readRoutingFile, readRunnableRoutingFile } from './routing-file.js';
import { UsageError } from './cli-errors.js';
import { textTable, withDatabase } from './command-kit.js';
import { awaitReload, runningBot, writePidFile, writeReloadStatus } from './routing-reload.js';
import { VERSION } from './version.js';
import { keepHeapNearLiveSize } from './heap-growth.js';
import type { Frontline } from './main.js';

/** Each command: how to call it, and what it does. `frontline <command> --help` prints its entry. */
const COMMANDS: Array<[name: string, usage: string, what: string]> = [
  ['start', 'start', 'run the bot (needs Slack credentials; see README "Configuration")'],
  ['check', 'check [file] [--slack [--write-ids]]',
    'validate a routing matrix and print it as a table; --slack also checks its channels, people and user groups in the '
    + 'workspace (bot token), and --write-ids writes a copy with @handles and #names replaced by ids'],
  ['explain', 'explain --category C --level L [--origin O] [--text T] [--at DATE] [--file F]',
    'show which route an issue would take, and its deadlines if filed now (or at DATE: "2026-12-04 17:00" in the matrix\'s zone, or ISO with a zone)'],
  ['digest', 'digest <name> [--now] [--from D --to D] [--send] [--file F]', 'print a manager digest (since its latest slot, or for a period), or send it'],
  ['outbox', 'outbox [retry <id>... | retry --all]', 'list the Slack messages given up on, or queue them to be sent again'],
  ['reload', 'reload', 'check ROUTING_FILE, then load it into the running bot (as SIGHUP does)'],
  ['replay', 'replay --matrix NEW.yml [--from D --to D] [--as-of D] [--json] [--fail-if missed-increase>5%]...',
    'what a changed routing matrix would have done to the issues filed (exit 2 when a --fail-if condition holds)'],
  ['forget', 'forget --customer-ref REF | --issue ESC-n',
    'erase a customer\'s text (summary, details, reference, notes) from their issues, keeping the figures, and record it'],
  ['export', 'export [--from D] [--to D] [--format csv|json]', 'print the issues filed in a period with their timelines'],
  ['migrate', 'migrate', 'apply the database migrations and exit (for an init container or a release step; start also does it)'],
  ['demo', 'demo', 'run the bot against a local Slack sandbox and print the conversation'],
  ['playground', 'playground [--port N] [--host H]', 'the bot and a sandbox Slack in the browser, at http://127.0.0.1:4747/ (never with a real token)'],
  ['help', 'help, --help', 'this message; `frontline <command> --help` for one command'],
  ['version', '--version', 'print the version'],
];

/** Wraps `text` at about 80 columns, each line indented by `indent`. */
function wrap(text: string, indent: string): string {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line && indent.length + line.length + word.length + 1 > 112) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  lines.push(line);
  return lines.map((l) => indent + l).join('\n');
}

const entry = ([, usage, what]: (typeof COMMANDS)[number]) =>
  usage.length < 30 ? `  ${usage.padEnd(30)}${wrap(what, ' '.repeat(32)).trimStart()}` : `  ${usage}\n${wrap(what, ' '.repeat(32))}`;

const USAGE = `Usage: frontline <command>\n\n${COMMANDS.map(entry).join('\n')}\n`;

const commandHelp = (name: string) => {
  const found = COMMANDS.find((c) => c[0] === name);
  return found ? `Usage: frontline ${found[1]}\n\n${wrap(found[2], '  ')}\n` : USAGE;
};


function routingPath(file?: string): string {
  if (file) return file;
  loadDotEnv();
  return readConfig(process.env).routingFile;
}

function check(file?: string): void {
  const path = routingPath(file);
  const matrix = readRoutingFile(path);
  const rows = [['category', 'level', 'team', 'channel', 'ack', 'resolve', 'calendar']];
  const origin = defaultOrigin(matrix);
  for (const category of Object.keys(matrix.categories)) {
    for (const level of Object.keys(matrix.levels)) {
      const { snapshot } = routeIssue(matrix, { category, level, origin, summary: '' }, new Date(0));
      const l = snapshot.level;
      const overridden = l.key !== level ? ` -> ${l.key}` : '';
      rows.push([category, level + overridden, snapshot.team.key, snapshot.team.channel, formatDuration(l.ack), formatDuration(l.resolve), l.calendar]);
    }
  }
  const conditional = matrix.routes
    .filter((r) => r.when?.origin || r.when?.text || r.cc.length)
    .map((r) => `  routes[${r.index}] -> ${r.team}${r.cc.length ? ` (cc ${r.cc.join(', ')})` : ''} when ${describeWhen(r.when)}`);
  process.stdout.write(`${path}: OK\n\n${textTable(rows)}\n`);
  if (conditional.length) process.stdout.write(`\nAlso routed by origin or text (first match wins):\n${conditional.join('\n')}\n`);
}

/** `check [file] [--slack [--write-ids]]`: the file on its own, then (with --slack) against the workspace. */
async function checkCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { slack: { type: 'boolean' }, 'write-ids': { type: 'boolean' } } });
  if (values['write-ids'] && !values.slack) throw new UsageError('--write-ids looks names up in Slack: use it with --slack');
  check(positionals[0]);
  if (!values.slack) return 0;
  loadDotEnv();
  const config = readConfig(process.env);
  if (!config.slack.botToken) throw new UsageError('check --slack reads the workspace with the bot token: set SLACK_BOT_TOKEN');
  const path = routingPath(positionals[0]);
  const [{ WebClient }, { checkInSlack }, { createLogger }, { webClientOptions }] = await Promise.all([
    import('@slack/web-api'), import('./slack-check.js'), import('./logger.js'), import('./slack/slack-app.js'),
  ]);
  const client = new WebClient(config.slack.botToken, webClientOptions(config.slack.apiUrl, createLogger('error', process.stderr as never), config.slack.timeoutMs));
  const result = await checkInSlack(path, readFileSync(path, 'utf8'), client, values['write-ids'] ?? false);
  const { channels, people, groups } = result.checked;
  if (result.problems.length) process.stderr.write(`\n${result.problems.join('\n')}\n${result.problems.length} problem${result.problems.length > 1 ? 's' : ''} in Slack.\n`);
  else process.stdout.write(`\nSlack: OK (${channels} channels, ${people} people, ${groups} user groups).\n`);
  if (result.written) process.stdout.write(`Wrote ${result.written}: ${result.names} name${result.names === 1 ? '' : 's'} replaced by ids.\n`);
  else if (values['write-ids']) process.stdout.write(result.names ? 'Wrote no copy: some names are not in this workspace.\n' : 'Wrote no copy: the file names everything by id already.\n');
  return result.problems.length ? 1 : 0;
}

function describeWhen(when: Matrix['routes'][number]['when']): string {
  if (!when) return 'always';
  const parts = (['category', 'level', 'origin'] as const).filter((k) => when[k]).map((k) => `${k} in [${when[k]!.join(', ')}]`);
  if (when.text) parts.push(`text matches /${when.text.source}/i`);
  return parts.join(' and ');
}

function requireKnown(kind: string, value: string | undefined, known: string[]): string {
  if (!value) throw new UsageError(`--${kind} is required (one of: ${known.join(', ')})`);
  const lower = value.toLowerCase();
  if (!known.includes(lower)) throw new UsageError(`unknown ${kind} "${value}"${didYouMean(lower, known)}; known: ${known.join(', ')}`);
  return lower;
}

function explain(args: string[]): void {
  const { values } = parseArgs({
    args,
    options: {
      category: { type: 'string' }, level: { type: 'string' }, origin: { type: 'string' }, text: { type: 'string' }, file: { type: 'string' }, at: { type: 'string' },
    },
  });
  const matrix = readRoutingFile(routingPath(values.file));
  const facts = {
    category: requireKnown('category', values.category, Object.keys(matrix.categories)),
    level: requireKnown('level', values.level, Object.keys(matrix.levels)),
    origin: values.origin ? requireKnown('origin', values.origin, matrix.origins) : defaultOrigin(matrix),
    summary: values.text ?? '',
  };
  const now = values.at === undefined ? new Date() : parseAt(values.at, matrix.timezone);
  const out = [
    `Issue: category ${facts.category}, level ${facts.level}, origin ${facts.origin}${values.text ? `, text "${values.text}"` : ''}`, '',
    ...explainLines(matrix, facts, now, values.at !== undefined),
  ];
  process.stdout.write(`${out.join('\n')}\n`);
}

/**
 * `--at` for explain: "2026-12-04 17:00" (or a date alone, at midnight) in the
 * matrix's time zone, or an ISO time with its own zone ("2026-12-04T17:00:00Z").
 */
export function parseAt(text: string, zone: string): Date {
  const local = /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2}))?$/.exec(text.trim());
  const at = local
    ? new TZDate(Number(local[1]), Number(local[2]) - 1, Number(local[3]), Number(local[4] ?? 0), Number(local[5] ?? 0), zone)
    : /(Z|[+-]\d{2}:?\d{2})$/.test(text.trim()) ? new Date(text.trim()) : new Date(NaN);
  const valid = !Number.isNaN(at.getTime()) && (!local || (at.getMonth() === Number(local[2]) - 1 && at.getDate() === Number(local[3])));
  if (!valid) throw new UsageError(`--at "${text}" is not a time: write "2026-12-04 17:00" (in ${zone}) or an ISO time with a zone such as 2026-12-04T17:00:00Z`);
  return new Date(at.getTime());
}

async function start(): Promise<void> {
  loadDotEnv();
  const config = readConfig(process.env);
  requireSlackCredentials(config);
  keepHeapNearLiveSize();
  const { startFrontline } = await import('./main.js');
  let app: Frontline | undefined;
  let removePidFile = () => {};
  let signalled = false;
  const stop = (bot: Frontline) => bot.stop().then(() => process.exit(0), () => process.exit(1));
  const shutdown = () => {
    // A second signal means "now": the operator has given up waiting.
    if (signalled) process.exit(1);
    signalled = true;
    removePidFile();
    // stop() bounds each step; this is the backstop that keeps SIGTERM under 10 s whatever happens.
    setTimeout(() => process.exit(1), 9_500).unref();
    // Signalled while starting (its warm-up, up to 5 s): it stops as soon as it has started, so that nothing it began is cut off.
    if (app) void stop(app);
  };
  // Listened for before the start, which serves requests and sends messages before it returns.
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
  // A reload asked during the start may name a file written after the start read it: it is done once started.
  let reloadAsked = false;
  const reload = (bot: Frontline) => writeReloadStatus(config.pidFile, bot.reload());
  process.on('SIGHUP', () => (app ? reload(app) : (reloadAsked = true)));
  app = await startFrontline({ config });
  if (signalled) return void stop(app);
  removePidFile = writePidFile(config.pidFile);
  if (reloadAsked) reload(app);
}

/**
 * `frontline reload`: checks the routing file here first (same messages as
 * `check`), then asks the running bot to load it, and prints what the bot did.
 */
async function reload(): Promise<void> {
  loadDotEnv();
  const config = readConfig(process.env);
  const matrix = readRunnableRoutingFile(config.routingFile);
  const bot = runningBot(config.pidFile);
  if ('problem' in bot) throw new UsageError(bot.problem);
  const asked = new Date(Date.now() - 1);
  process.kill(bot.pid, 'SIGHUP');
  const outcome = await awaitReload(config.pidFile, asked);
  if (!outcome) throw new UsageError(`the bot (pid ${bot.pid}) did not answer within 5 s; see its log for "routing matrix reloaded"`);
  if (!outcome.ok) throw new RoutingFileError(outcome.problems);
  process.stdout.write(`Reloaded ${config.routingFile} in the running bot (pid ${bot.pid}): ${Object.keys(matrix.teams).length} teams, ${matrix.routes.length} routes. Issues already filed keep their targets.\n`);
}

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  try {
    // A bare `frontline` explains itself rather than starting a bot by surprise.
    if (!command || ['help', '--help', '-h'].includes(command)) {
      process.stdout.write(USAGE);
      return 0;
    }
    if (['--version', '-v', 'version'].includes(command)) {
      process.stdout.write(`frontline ${VERSION}\n`);
      return 0;
    }
    if (rest.includes('--help') || rest.includes('-h')) {
      process.stdout.write(commandHelp(command));
      return 0;
    }
    return await run(command, rest);
  } catch (error) {
    return report(error, command);
  }
}

async function run(command: string, rest: string[]): Promise<number> {
  switch (command) {
    case 'start':
      parseArgs({ args: rest, options: {} });
      await start();
      return -1; // keeps running
    case 'check':
      return await checkCommand(rest);
    case 'explain':
      explain(rest);
      return 0;
    case 'reload':
      parseArgs({ args: rest, options: {} });
      await reload();
      return 0;
    case 'replay': {
      const { replayCommand } = await import('./replay-command.js');
      return await replayCommand(rest);
    }
    case 'forget': {
      const { forgetCommand } = await import('./data-commands.js');
      await forgetCommand(rest);
      return 0;
    }
    case 'export': {
      const { exportCommand } = await import('./data-commands.js');
      await exportCommand(rest);
      return 0;
    }
    case 'migrate':
      parseArgs({ args: rest, options: {} });
      await migrate();
      return 0;
    case 'digest': {
      const { digestCommand } = await import('./digest-command.js');
      await digestCommand(rest);
      return 0;
    }
    case 'outbox': {
      const { outboxCommand } = await import('./outbox-command.js');
      await outboxCommand(rest);
      return 0;
    }
    case 'demo': {
      parseArgs({ args: rest, options: {} });
      const { runDemo } = await import('./demo.js');
      await runDemo();
      return 0;
    }
    case 'playground': {
      const { playgroundCommand } = await import('./playground/command.js');
      await playgroundCommand(rest);
      return 0;
    }
    default:
      throw new UsageError(`unknown command "${command}"${didYouMean(command, COMMANDS.map((c) => c[0]))}\n\n${USAGE}`);
  }
}

/** `frontline migrate`: the database's migrations, on their own, under the same lock as a start's. */
async function migrate(): Promise<void> {
  loadDotEnv();
  const config = readConfig(process.env);
  // Opening the database applies pending migrations, under the same lock a start takes.
  const database = await withDatabase(config, async (opened) => opened);
  process.stdout.write(`Migrated the ${database.kind === 'postgres' ? 'Postgres database at DATABASE_URL' : `embedded database in ${config.dataDir}`}: it is up to date.\n`);
}

/** node:util's parseArgs errors, in one line naming the option, not its error code. */
function optionProblem(error: unknown, command: string | undefined): string | undefined {
  const e = error as { code?: string; message?: string };
  if (!e?.code?.startsWith('ERR_PARSE_ARGS_')) return undefined;
  const option = /'(-[^']*)'/.exec(e.message ?? '')?.[1];
  const help = `see frontline ${command} --help`;
  switch (e.code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION':
      return `unknown option ${option ?? ''} for "frontline ${command}"; ${help}`;
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE':
      return `${option ?? 'an option'} ${/argument missing/.test(e.message ?? '') ? 'needs a value' : 'takes no value'}; ${help}`;
    case 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL':
      return `"frontline ${command}" takes no argument ${/'([^']*)'/.exec(e.message ?? '')?.[0] ?? ''}; ${help}`;
    default:
      return `${e.message}; ${help}`;
  }
}

/** One clear message per problem, never a stack trace (LOG_LEVEL=debug shows it). */
function report(error: unknown, command?: string): number {
  const badOption = optionProblem(error, command);
  if (badOption) {
    process.stderr.write(`frontline: ${badOption}\n`);
    return 1;
  }
  if (command === 'start') {
    // A fatal start-up error also goes to stdout as one JSON log line, for log shippers that read only the logs.
    const message = error instanceof RoutingFileError ? error.lines.join('; ') : (error as Error)?.message ?? String(error);
    process.stdout.write(`${JSON.stringify({ level: 'fatal', time: new Date().toISOString(), msg: 'frontline could not start', error: message })}\n`);
  }
  if (error instanceof RoutingFileError) {
    const count = error.lines.length;
    const summary = error.unreadable ? '' : `${count} problem${count > 1 ? 's' : ''} in the routing matrix.\n`;
    process.stderr.write(`${error.lines.join('\n')}\n${summary}`);
  } else if (error instanceof ConfigError || error instanceof UsageError) {
    process.stderr.write(`frontline: ${error.message}\n`);
  } else {
    const e = error as Error & { code?: string };
    process.stderr.write(`frontline: ${e.code ? `${e.code}: ` : ''}${e.message ?? String(error)}\n`);
    if (process.env.LOG_LEVEL === 'debug') process.stderr.write(`${e.stack}\n`);
  }
  return 1;
}
