/**
 * Judgements a digest makes about its figures. Pure, so that they are tested on
 * hand-made numbers.
 */

export interface OriginMedians {
  origin: string;
  issues: number;
  ackMedian: number | null;
  resolveMedian: number | null;
}

export const FAIRNESS_MIN_ISSUES = 5;

/**
 * An origin treated faster or slower than the rest: its median under half, or
 * over twice, the overall median, with enough issues to mean something. Public
 * channels must not be a way to jump the queue.
 */
export function unfairOrigins(origins: OriginMedians[], overall: { ackMedian: number | null; resolveMedian: number | null }): Array<{ origin: string; measure: 'acknowledge' | 'resolve'; ratio: number }> {
  const flags: Array<{ origin: string; measure: 'acknowledge' | 'resolve'; ratio: number }> = [];
  for (const o of origins) {
    if (o.issues < FAIRNESS_MIN_ISSUES) continue;
    for (const [measure, mine, all] of [['acknowledge', o.ackMedian, overall.ackMedian], ['resolve', o.resolveMedian, overall.resolveMedian]] as const) {
      if (mine === null || all === null || all === 0) continue;
      const ratio = mine / all;
      if (ratio < 0.5 || ratio > 2) flags.push({ origin: o.origin, measure, ratio });
    }
  }
  return flags;
}

/**
 * A category the front line could probably handle with a guide: most of its
 * escalations were at the easiest level and resolved without reroute or reopen.
 */
export function couldBeSelfServed(c: { count: number; easiest: number; clean: number }): boolean {
  return c.count >= 3 && c.easiest * 2 > c.count && c.clean * 2 > c.count;
}

/** "+3", "−2", "±0" against the previous period. */
export function trend(current: number, previous: number): string {
  const delta = current - previous;
  return delta > 0 ? `+${delta}` : delta < 0 ? `−${-delta}` : '±0';
}

/** The period of the same length just before `p`. */
export function previousPeriod(p: { from: Date; to: Date }): { from: Date; to: Date } {
  const length = p.to.getTime() - p.from.getTime();
  return { from: new Date(p.from.getTime() - length), to: p.from };
}
