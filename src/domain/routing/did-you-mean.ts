import { closest, distance } from 'fastest-levenshtein';

/** ` (did you mean "billing"?)` when a known name is close enough to the misspelt one. */
export function didYouMean(name: string, known: readonly string[]): string {
  if (known.length === 0) return '';
  const best = closest(name.toLowerCase(), [...known]);
  const limit = Math.max(2, Math.floor(best.length / 3));
  return distance(name.toLowerCase(), best) <= limit ? ` (did you mean "${best}"?)` : '';
}
