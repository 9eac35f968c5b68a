import {
  categories, deflectionFigures, highTiers, measure, openNow, praiseFigures, swarmFigures, urgentNow, volume, type Breakdown, type Measure, type Period, type Scope,
} from '../db/digest-queries.js';
import { previousPeriod } from '../domain/digest-flags.js';
import { named, praiseCategories, type Digest } from '../domain/routing/matrix.js';
import type { AppContext } from './context.js';

const LIST_LIMIT = 10;
/** Escalations in a period from which a category without a knowledge-base article is flagged. */
const WRITE_AN_ARTICLE = 3;

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
  const scope: Scope = { teams, praise: praiseCategories(ctx.matrix) };
  const before = previousPeriod(period);
  const now = ctx.now();
  const easiest = Object.keys(ctx.matrix.levels)[0]!;
  const [current, previous, open, acks, resolves, tiers, urgent, cats, praise, swarms, deflection] = await Promise.all([
    volume(ctx.db, scope, period),
    volume(ctx.db, scope, before),
    openNow(ctx.db, scope, now),
    measure(ctx.db, 'claimed', scope, period),
    measure(ctx.db, 'resolved', scope, period),
    highTiers(ctx.db, scope, period, LIST_LIMIT),
    urgentNow(ctx.db, scope, now, LIST_LIMIT),
    categories(ctx.db, scope, period, before, easiest, 5),
    praiseFigures(ctx.db, scope, period, 5),
    swarmFigures(ctx.db, scope, period),
    deflectionFigures(ctx.db, scope, period),
  ]);
  const byTeam = sideBySide(acks.byTeam, resolves.byTeam);
  return {
    name: digest.name, teams, period, timezone: digest.timezone, now,
    volume: { current, previous, open: open.open },
    speeds: { byTeam, byLevel: sideBySide(acks.byLevel, resolves.byLevel) },
    missed: [...teams].sort().filter((team) => byTeam.some((s) => s.key === team) || open.overdueByTeam.get(team))
      .map((team) => ({ team, ...(byTeam.find((s) => s.key === team) ?? { acks: NONE, resolves: NONE }), overdueNow: open.overdueByTeam.get(team) ?? 0 })),
    tiers, urgent, categories: cats, swarms,
    intake: {
      deflected: deflection.deflected,
      sameAnswer: deflection.sameAnswer,
      // Busy categories the front line has no article for: the knowledge base's to-do list.
      noArticle: deflection.filed.filter((c) => c.count >= WRITE_AN_ARTICLE && !named(ctx.matrix.categories, c.category)?.kb),
    },
    origins: sideBySide(acks.byOrigin, resolves.byOrigin),
    overall: { key: 'overall', acks: acks.overall, resolves: resolves.overall },
    people: { claimers: top(acks.byActor), resolvers: top(resolves.byActor), praise },
  };
}

export type ComposedDigest = Awaited<ReturnType<typeof composeDigest>>;

export const isEmpty = (d: ComposedDigest) =>
  d.volume.current.filed + d.volume.current.claimed + d.volume.current.resolved + d.volume.current.reopened === 0 && d.volume.open === 0;
