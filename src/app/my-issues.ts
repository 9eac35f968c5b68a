import { claimedBy, escalatedBy, unclaimedIn } from '../db/issue-queries.js';
import type { AppContext } from './context.js';

/** The teams whose queue this person works: they own it directly or through its user group. */
async function teamsOwnedBy(ctx: AppContext, userId: string): Promise<string[]> {
  const now = ctx.now();
  const teams = Object.values(ctx.matrix.teams);
  const owned = await Promise.all(teams.map((t) => ctx.owners.isOwner(userId, t.owners, now)));
  return teams.filter((_, i) => owned[i]).map((t) => t.key);
}

/** The three lists of the Home tab and `/escalate mine`, each loaded up to `limit`. */
export async function loadMyIssues(ctx: AppContext, userId: string, limit: number) {
  const [claimed, queue, escalated] = await Promise.all([
    claimedBy(ctx.db, userId, limit),
    teamsOwnedBy(ctx, userId).then((teams) => unclaimedIn(ctx.db, teams, limit)),
    escalatedBy(ctx.db, userId, limit),
  ]);
  return {
    claimed: claimed.rows,
    queue: queue.rows,
    escalated: escalated.rows,
    counts: { claimed: claimed.total, queue: queue.total, escalated: escalated.total },
  };
}
