import { parseArgs } from 'node:util';
import { TZDate } from '@date-fns/tz';
import { format } from 'date-fns/format';
import { UsageError } from './cli-errors.js';
import { dateOption, textTable, withDatabase } from './command-kit.js';
import { loadDotEnv, readConfig } from './config.js';
import { historyBetween } from './db/replay-history.js';
import { holds, measureOf, parseFailIf, replayIssue, summarise, type FailCondition, type Replay } from './domain/replay.js';
import type { Matrix } from './domain/routing/matrix.js';
import { readRoutingFile } from './routing-file.js';

/** Exit code when a --fail-if condition holds (1 is for errors: a bad file, a bad option). */
export const CONDITION_HELD = 2;

/** Runs the period's history through `matrix`: what `frontline replay` computes, for the command and for tests. */
export async function replayPeriod(db: Parameters<typeof historyBetween>[0], matrix: Matrix, from: Date, to: Date, now: Date): Promise<Replay> {
  const history = await historyBetween(db, from, to);
  return summarise(history.map((issue) => replayIssue(matrix, issue, now)));
}

/**
 * `frontline replay --matrix NEW.yml [--from D --to D] [--as-of D] [--json] [--fail-if C]...`:
 * what a changed routing matrix would have done to the issues already filed.
 * On PGlite, stop the bot first: the embedded database serves one process.
 */
export async function replayCommand(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      matrix: { type: 'string' }, from: { type: 'string' }, to: { type: 'string' }, 'as-of': { type: 'string' }, json: { type: 'boolean' },
      'fail-if': { type: 'string', multiple: true },
    },
  });
  if (!values.matrix) throw new UsageError('--matrix is required: the routing file to replay history against, e.g. --matrix routing.new.yml');
  const conditions = (values['fail-if'] ?? []).map((text) => {
    const parsed = parseFailIf(text);
    if (!parsed) throw new UsageError(`--fail-if "${text}" is not a condition: write moved>N, catch-all>N, missed>N or missed-increase>N, each with > or >= and optionally %, e.g. missed-increase>5%`);
    return parsed;
  });
  const matrix = readRoutingFile(values.matrix);
  // Issues still open are judged as of now, or --as-of, so that a check in CI gives the same answer every run.
  const now = values['as-of'] ? dateOption('as-of', values['as-of']) : new Date();
  const from = values.from ? dateOption('from', values.from) : new Date(0);
  const to = values.to ? dateOption('to', values.to) : now;
  if (from >= to) throw new UsageError('--from must be before --to');
  loadDotEnv();
  const config = readConfig(process.env);
  const replay = await withDatabase(config, (database) => replayPeriod(database.db, matrix, from, to, now));
  const held = conditions.filter((c) => holds(replay, c));
  const period = { from: values.from ? from : null, to };
  process.stdout.write(values.json
    ? `${JSON.stringify({ matrix: values.matrix, period, ...replay, failed: held.map((c) => ({ condition: c.text, value: measureOf(replay, c) })) }, null, 2)}\n`
    : replayText(replay, values.matrix, period, matrix.timezone));
  for (const c of held) process.stderr.write(`frontline: --fail-if ${c.text} holds (${describe(replay, c)})\n`);
  return held.length ? CONDITION_HELD : 0;
}

const describe = (replay: Replay, c: FailCondition) => {
  const value = measureOf(replay, c);
  return c.percent ? `${Number.isFinite(value) ? value.toFixed(1) : 'from none'}%` : String(value);
};

const arrow = (before: number, after: number) => (before === after ? `${before}` : `${before} -> ${after}`);

/** The replay for a person reading a terminal. */
export function replayText(replay: Replay, file: string, period: { from: Date | null; to: Date }, zone: string): string {
  const day = (d: Date) => format(new TZDate(d, zone), 'yyyy-MM-dd HH:mm');
  const span = period.from ? `${day(period.from)} – ${day(period.to)}` : `until ${day(period.to)}`;
  const out = [`Replayed ${replay.issues} issue${replay.issues === 1 ? '' : 's'} filed ${span} (${zone}) against ${file}.`, ''];
  const movedCount = replay.moved.reduce((n, m) => n + m.count, 0);
  out.push(`Would go to another team: ${movedCount}`);
  for (const m of replay.moved) out.push(`  ${m.from} -> ${m.to}: ${m.count}  e.g. ${m.examples.map((e) => `${e.key} "${e.summary.slice(0, 60)}"`).join(', ')}`);
  out.push('', 'Load per team (before -> after):', textTable(replay.load.map((l) => [l.team, arrow(l.before, l.after)]), '  '));
  out.push('', 'Missed targets per team and level (before -> after, on each level\'s calendar, waiting on the customer left out):');
  out.push(textTable([
    ['team', 'level', 'issues', 'ack missed', 'resolve missed'],
    ...replay.missed.map((r) => [r.team, r.level, arrow(r.issuesBefore, r.issuesAfter), arrow(r.ackMissedBefore, r.ackMissedAfter), arrow(r.resolveMissedBefore, r.resolveMissedAfter)]),
  ], '  '));
  const t = replay.totals;
  out.push('', `Total: acknowledgements missed ${arrow(t.ackMissedBefore, t.ackMissedAfter)}, resolutions missed ${arrow(t.resolveMissedBefore, t.resolveMissedAfter)}.`);
  out.push(`Matching only the catch-all route: ${replay.catchAll.count}${replay.catchAll.examples.length ? `  e.g. ${replay.catchAll.examples.map((e) => `${e.key} "${e.summary.slice(0, 60)}"`).join(', ')}` : ''}`);
  return `${out.join('\n')}\n`;
}
