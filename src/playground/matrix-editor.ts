import { readFileSync, writeFileSync } from 'node:fs';
import { defaultOrigin } from '../domain/quick-form.js';
import { formatProblem, loadMatrix } from '../domain/routing/load-matrix.js';
import type { Matrix } from '../domain/routing/matrix.js';
import type { IssueFacts } from '../domain/routing/route-issue.js';
import { explainLines } from '../domain/routing/explain-lines.js';
import { replayPeriod, replayText } from '../replay-command.js';
import { seedWorkspace } from '../sandbox/workspace.js';
import { SANDBOX_GROUPS, type PlaygroundParts } from './playground.js';

/**
 * The matrix editor's work, each part done by what the command line uses:
 * `check` (the loader, whose problems carry their lines), `explain` (the
 * router's own reasons), reload (as SIGHUP does) and `replay`.
 */

export interface DraftCheck {
  matrix?: Matrix;
  problems: Array<{ line?: number; text: string }>;
}

export function checkDraft(text: string): DraftCheck {
  const result = loadMatrix(text);
  if (result.ok) return { matrix: result.matrix, problems: [] };
  return { problems: result.problems.map((p) => ({ line: p.line, text: formatProblem('routing.yml', p).replace(/^routing\.yml(:\d+)? /, '') })) };
}

/** The file the app runs on, as it is now. */
export const runningText = (pg: PlaygroundParts) => readFileSync(pg.routingFile, 'utf8');

export interface ExplainQuestion {
  category: string;
  level: string;
  origin?: string;
  text?: string;
}

/** Which route an issue would take and its deadlines if filed now: `frontline explain`'s answer, line by line. */
export function explainQuestion(matrix: Matrix, question: ExplainQuestion, now: Date): string[] {
  const known = (kind: string, value: string | undefined, names: string[]) => {
    if (!value || !names.includes(value)) throw new Error(`choose a ${kind}: one of ${names.join(', ')}`);
    return value;
  };
  const facts: IssueFacts = {
    category: known('category', question.category, Object.keys(matrix.categories)),
    level: known('level', question.level, Object.keys(matrix.levels)),
    origin: question.origin ? known('origin', question.origin, matrix.origins) : defaultOrigin(matrix),
    summary: question.text ?? '',
  };
  return explainLines(matrix, facts, now);
}

/**
 * Writes the draft to the playground's routing.yml and has the app reload it,
 * as `frontline reload` does: later filings use it, filed issues keep their
 * snapshots. New people and channels are added to the sandbox.
 */
export function applyDraft(pg: PlaygroundParts, text: string): { ok: boolean; message: string } {
  const checked = checkDraft(text);
  if (!checked.matrix) return { ok: false, message: `Not applied: ${checked.problems.length} problem${checked.problems.length === 1 ? '' : 's'} (shown at their lines).` };
  const before = runningText(pg);
  writeFileSync(pg.routingFile, text);
  const outcome = pg.app.reload();
  if (!outcome.ok) {
    writeFileSync(pg.routingFile, before);
    return { ok: false, message: `Not applied: ${outcome.problems.join('; ')}` };
  }
  seedWorkspace(pg.slack, checked.matrix, SANDBOX_GROUPS);
  pg.changes++;
  return { ok: true, message: `Applied: ${outcome.teams} teams, ${outcome.routes} routes. Later filings use it; issues already filed keep their targets.` };
}

/** `frontline replay` over everything filed in the playground so far, against the draft. */
export async function replayDraft(pg: PlaygroundParts, text: string): Promise<string> {
  const checked = checkDraft(text);
  if (!checked.matrix) return 'Fix the problems shown at their lines first: replay needs a matrix that passes check.';
  const now = pg.clock.now();
  const replay = await replayPeriod(pg.app.ctx.db, checked.matrix, new Date(0), new Date(now.getTime() + 1), now);
  return replayText(replay, 'the edited matrix', { from: null, to: now }, checked.matrix.timezone);
}
