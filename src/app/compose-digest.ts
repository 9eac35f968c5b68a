import {
  categories, filedIn, highTiers, measure, openNow, swarmFigures, urgentNow, volume, type Breakdown, type Measure, type Period,
} from '../db/digest-queries.js';
import { previousPeriod } from '../domain/digest-flags.js';
import type { Digest } from '../domain/routing/matrix.js';
import type { AppContext } from './context.js';

/** The category whose escalations count as praise passed on (see routing.example.yml). */
export const PRAISE_CATEGORY = 'praise';
const LIST_LIMIT = 10;

/** Acknowledgement and resolution figures of one group (a team, a level, an origin, or everyone). */
export interface Speed {
  key: string;
  acks: Measure;
  resolves: Measure;
}

const NONE: Measure = { count: 0, late: 0, median: null, p90: null };

/** Both measures side by side for every key either of them has, sorted by key. */
function sideBySide(acks: Map<string, Measure>, resolves: Map<string, Measure>): Speed[] {
  const keys = [...new Set([...acks.keys(), ...resolves.keys()])].sort();
  return keys.map((key) => ({ key, acks: acks.get(key) ?? NONE, resolves: resolves.get(key) ?? NONE }));
}

/** The three people with the most, most first (ties by id). */
const top = (byActor: Breakdown['byActor']) =>
  [...byActor].map(([user, m]) => ({ user, count: m.count })).sort((a, b) => b.count - a.count || a.user.localeCompare(b.user)).slice(0, 3);

/**
 * All the figures of one digest for one period. Speed, missed targets, fairness
 * and recognition are cut from the same two breakdowns (acknowledgements and
 * resolutions), so every section counts the same events.
 */
export async function composeDigest(ctx: AppContext, digest: Pick<Digest, 'name' | 'teams' | 'timezone'>, period: Period) {
  const teams = digest.teams ?? Object.keys(ctx.matrix.teams);
  const before = previousPeriod(period);
  const now = ctx.now();
  const easiest = Object.keys(ctx.matrix.levels)[0]!;
  const [current, previous, open, acks, resolves, tiers, urgent, cats, praise, swarms] = await Promise.all([
    volume(ctx.db, teams, period),
    volume(ctx.db, teams, before),
    openNow(ctx.db, teams, now),
    measure(ctx.db, 'claimed', teams, period),
    measure(ctx.db, 'resolved', teams, period),
    highTiers(ctx.db, teams, period, LIST_LIMIT),
    urgentNow(ctx.db, teams, now, LIST_LIMIT),
    categories(ctx.db, teams, period, before, easiest, 5),
    filedIn(ctx.db, teams, period, PRAISE_CATEGORY, 5),
    swarmFigures(ctx.db, teams, period),
  ]);
  const byTeam = sideBySide(acks.byTeam, resolves.byTeam);
  return {
    name: digest.name, teams, period, timezone: digest.timezone, now,
    volume: { current, previous, open: open.open },
    speeds: { byTeam, byLevel: sideBySide(acks.byLevel, resolves.byLevel) },
    missed: [...teams].sort().filter((team) => byTeam.some((s) => s.key === team) || open.overdueByTeam.get(team))
      .map((team) => ({ team, ...(byTeam.find((s) => s.key === team) ?? { acks: NONE, resolves: NONE }), overdueNow: open.overdueByTeam.get(team) ?? 0 })),
    tiers, urgent, categories: cats, swarms,
    origins: sideBySide(acks.byOrigin, resolves.byOrigin),
    overall: { key: 'overall', acks: acks.overall, resolves: resolves.overall },
    people: { claimers: top(acks.byActor), resolvers: top(resolves.byActor), praise },
  };
}

export type ComposedDigest = Awaited<ReturnType<typeof composeDigest>>;

export const isEmpty = (d: ComposedDigest) =>
  d.volume.current.filed + d.volume.current.claimed + d.volume.current.resolved + d.volume.current.reopened === 0 && d.volume.open === 0;
