import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { parse } from 'yaml';
import { formatProblem, lineLocator, loadMatrix } from './domain/routing/load-matrix.js';
import type { Matrix } from './domain/routing/matrix.js';
import { isName, slackReferences } from './domain/routing/slack-references.js';

export class RoutingFileError extends Error {
  constructor(readonly lines: string[], readonly unreadable = false) {
    super(lines.join('\n'));
  }
}

function readText(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message;
    throw new RoutingFileError([
      `${path}: cannot read the routing matrix (${reason}). Set ROUTING_FILE, or copy routing.example.yml to routing.yml.`,
    ], true);
  }
}

/** Reads and validates routing.yml; every problem at once, each as `file:line path: message`. */
export function readRoutingFile(path: string): Matrix {
  return parseRoutingText(path, readText(path));
}

function parseRoutingText(path: string, text: string): Matrix {
  const result = loadMatrix(text);
  if (!result.ok) throw new RoutingFileError(result.problems.map((p) => formatProblem(basename(path), p)));
  return result.matrix;
}

/**
 * The routing file the bot runs on: valid, and naming people and channels by
 * id. A file written with `@handles` and `#names` passes `check`, but the bot
 * needs the ids that `check --slack --write-ids` writes into a copy.
 */
export function readRunnableRoutingFile(path: string): Matrix {
  const text = readText(path);
  const matrix = parseRoutingText(path, text);
  const named = slackReferences(parse(text)).filter((r) => isName(r.value));
  if (named.length) {
    const line = lineLocator(text);
    throw new RoutingFileError([
      ...named.map((r) => formatProblem(basename(path), { path: r.path, line: line(r.path), message: `"${r.value}" is a name; the bot needs ids` })),
      `Run \`frontline check --slack --write-ids ${path}\` and point ROUTING_FILE at the copy it writes.`,
    ]);
  }
  return matrix;
}
