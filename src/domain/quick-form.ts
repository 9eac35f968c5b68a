import type { Matrix } from './routing/matrix.js';

export const SUMMARY_MAX = 150;

/** What an agent has told us about an issue so far; complete once it can be filed. */
export interface Draft {
  category?: string;
  level?: string;
  origin?: string;
  summary?: string;
  details?: string;
  customerRef?: string;
}

export type EscalateCommand =
  | { kind: 'help' }
  | { kind: 'show'; key: string }
  | { kind: 'mine' }
  | { kind: 'digest'; name?: string }
  /** `assumedOrigin`: no `via:` was given and `other` was taken, which the agent is told (the fairness figures read origins). */
  | { kind: 'file'; draft: Required<Pick<Draft, 'category' | 'level' | 'origin' | 'summary'>> & Draft; assumedOrigin?: boolean }
  | { kind: 'modal'; draft: Draft; notes: string[] };

/** The origin used when the quick form names none: `other`; without it, `explain` and `check` show the first. */
export function defaultOrigin(matrix: Matrix): string {
  return matrix.origins.includes('other') ? 'other' : matrix.origins[0]!;
}

/**
 * `/escalate <category> <level> <summary...>` with `via:<origin>` anywhere.
 * Category and level are case-insensitive and may come in either order. Anything
 * short of a complete issue opens the modal with what was understood.
 */
export function parseEscalate(text: string, matrix: Matrix): EscalateCommand {
  const words = text.trim().split(/\s+/).filter(Boolean);
  const first = words[0]?.toLowerCase();
  if (first === 'help' || first === '?') return { kind: 'help' };
  if (first === 'mine' && words.length === 1) return { kind: 'mine' };
  if (first === 'digest' && words.length <= 2) return { kind: 'digest', name: words[1]?.toLowerCase() };
  if (first === 'show' && words.length === 2) {
    const number = /^(?:ESC-)?(\d+)$/i.exec(words[1]!)?.[1];
    return { kind: 'show', key: number ? `ESC-${Number(number)}` : words[1]! };
  }

  const draft: Draft = {};
  const notes: string[] = [];
  const rest: string[] = [];
  for (const word of words) {
    const via = /^via:(.*)$/i.exec(word);
    if (!via) {
      rest.push(word);
      continue;
    }
    const origin = via[1]!.toLowerCase();
    if (matrix.origins.includes(origin)) draft.origin = origin;
    else notes.push(`"${via[1]}" is not a known origin; pick one of: ${matrix.origins.join(', ')}.`);
  }

  while (rest.length) {
    const word = rest[0]!.toLowerCase();
    if (!draft.category && word in matrix.categories) draft.category = word;
    else if (!draft.level && word in matrix.levels) draft.level = word;
    else break;
    rest.shift();
  }

  const summary = rest.join(' ');
  if (summary.length > SUMMARY_MAX) {
    draft.summary = summary.slice(0, SUMMARY_MAX);
    draft.details = summary;
    notes.push(`The summary is limited to ${SUMMARY_MAX} characters; the full text is in the details.`);
  } else if (summary) {
    draft.summary = summary;
  }

  // A guessed origin would skew the fairness-by-origin figures: with no `other` to fall back on, the form asks.
  if (!draft.origin && !matrix.origins.includes('other') && draft.category && draft.level && draft.summary) {
    notes.push('Say where the customer came from: routing.yml has no "other" origin, so Frontline does not guess.');
  }
  if (draft.category && draft.level && draft.summary && notes.length === 0) {
    return {
      kind: 'file',
      draft: { ...draft, category: draft.category, level: draft.level, summary: draft.summary, origin: draft.origin ?? 'other' },
      ...(draft.origin ? {} : { assumedOrigin: true }),
    };
  }
  return { kind: 'modal', draft, notes };
}
