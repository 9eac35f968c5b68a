import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { formatProblem, loadMatrix } from './domain/routing/load-matrix.js';
import type { Matrix } from './domain/routing/matrix.js';

export class RoutingFileError extends Error {
  constructor(readonly lines: string[], readonly unreadable = false) {
    super(lines.join('\n'));
  }
}

/** Reads and validates routing.yml; every problem at once, each as `file:line path: message`. */
export function readRoutingFile(path: string): Matrix {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message;
    throw new RoutingFileError([
      `${path}: cannot read the routing matrix (${reason}). Set ROUTING_FILE, or copy routing.example.yml to routing.yml.`,
    ], true);
  }
  const result = loadMatrix(text);
  if (!result.ok) throw new RoutingFileError(result.problems.map((p) => formatProblem(basename(path), p)));
  return result.matrix;
}
