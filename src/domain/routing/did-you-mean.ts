import { closest, distance } from 'fastest-levenshtein';

/** ` (did you mean "billing"?)` when a known name is close enough to the misspelt one. */
export function didYouMean(name: string, known: readonly string[]): string {
  if (known.length === 0) return '';
  // Compared without case (time zones are mixed case), suggested as written.
  const lower = known.map((k) => k.toLowerCase());
  const best = closest(name.toLowerCase(), lower);
  const limit = Math.max(2, Math.floor(best.length / 3));
  return distance(name.toLowerCase(), best) <= limit && best !== name.toLowerCase() ? ` (did you mean "${known[lower.indexOf(best)]}"?)` : '';
}
