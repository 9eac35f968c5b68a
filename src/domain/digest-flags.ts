/**
 * Judgements a digest makes about its figures. Pure, so that they are tested on
 * hand-made numbers.
 */

/** The median business time of one measure, and how many it is the median of. */
interface Median {
  count: number;
  median: number | null;
}

export interface OriginMedians {
  key: string;
  acks: Median;
  resolves: Median;
}

export const FAIRNESS_MIN_ISSUES = 5;

/**
 * An origin treated faster or slower than the rest: its median under half, or
 * over twice, the overall median, over enough acknowledgements (or resolutions)
 * to mean something. Public channels must not be a way to jump the queue.
 */
export function unfairOrigins(origins: OriginMedians[], overall: OriginMedians): Array<{ origin: string; measure: 'acknowledge' | 'resolve'; ratio: number }> {
  const flags: Array<{ origin: string; measure: 'acknowledge' | 'resolve'; ratio: number }> = [];
  for (const o of origins) {
    for (const [measure, mine, all] of [['acknowledge', o.acks, overall.acks], ['resolve', o.resolves, overall.resolves]] as const) {
      if (mine.count < FAIRNESS_MIN_ISSUES || mine.median === null || all.median === null || all.median === 0) continue;
      const ratio = mine.median / all.median;
      if (ratio < 0.5 || ratio > 2) flags.push({ origin: o.key, measure, ratio });
    }
  }
  return flags;
}

/**
 * A category the front line could probably handle with a guide: most of its
 * escalations were at the easiest level, and most were resolved first time,
 * without a reroute or a reopen.
 */
export function couldBeSelfServed(c: { count: number; easiest: number; firstTime: number }): boolean {
  return c.count >= 3 && c.easiest * 2 > c.count && c.firstTime * 2 > c.count;
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
