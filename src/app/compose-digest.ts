import {
  categories, highTiers, missedTargets, openNow, originSpeeds, recognition, speed, urgentNow, volume, type Period,
} from '../db/digest-queries.js';
import { previousPeriod } from '../domain/digest-flags.js';
import type { Digest } from '../domain/routing/matrix.js';
import type { AppContext } from './context.js';

/** The category whose escalations count as praise passed on (see routing.example.yml). */
export const PRAISE_CATEGORY = 'praise';
const LIST_LIMIT = 10;

/** All the figures of one digest for one period, queried in parallel. */
export async function composeDigest(ctx: AppContext, digest: Pick<Digest, 'name' | 'teams' | 'timezone'>, period: Period) {
  const teams = digest.teams ?? Object.keys(ctx.matrix.teams);
  const before = previousPeriod(period);
  const now = ctx.now();
  const easiest = Object.keys(ctx.matrix.levels)[0]!;
  const [current, previous, open, speeds, missed, tiers, urgent, cats, origins, people] = await Promise.all([
    volume(ctx.db, teams, period),
    volume(ctx.db, teams, before),
    openNow(ctx.db, teams),
    speed(ctx.db, teams, period),
    missedTargets(ctx.db, teams, period, now),
    highTiers(ctx.db, teams, period, LIST_LIMIT),
    urgentNow(ctx.db, teams, now, LIST_LIMIT),
    categories(ctx.db, teams, period, before, easiest, 5),
    originSpeeds(ctx.db, teams, period),
    recognition(ctx.db, teams, period, PRAISE_CATEGORY),
  ]);
  return {
    name: digest.name, teams, period, timezone: digest.timezone, now,
    volume: { current, previous, open },
    speeds, missed, tiers, urgent, categories: cats,
    origins: origins.filter((o) => o.origin !== null) as Array<(typeof origins)[number] & { origin: string }>,
    overall: origins.find((o) => o.origin === null) ?? { issues: 0, ackMedian: null, resolveMedian: null },
    people,
  };
}

export type ComposedDigest = Awaited<ReturnType<typeof composeDigest>>;

export const isEmpty = (d: ComposedDigest) =>
  d.volume.current.filed + d.volume.current.claimed + d.volume.current.resolved + d.volume.current.reopened === 0 && d.volume.open === 0;
