import { findIssue, lockIssue } from '../db/issue-store.js';
import { claimDueTimers, dueTimersOf, postponeTimers, settleTimers } from '../db/timer-store.js';
import { needsPeople, reachFor, type DueKinds } from './reach-people.js';
import { EVERYONE_REACHABLE } from '../domain/people.js';
import { fireTimers } from '../domain/issue/timers.js';
import { storeChange } from './act-on-issue.js';
import type { AppContext } from './context.js';

export interface FireOptions {
  leaseMs: number;
  /** A timer found later than this after its due time counts as missed while the bot was down. */
  graceMs: number;
  batch?: number;
}

/**
 * One sweep of the clock: claims due timers and acts on them, one issue at a
 * time. Returns how many timers were claimed. Errors on one issue are logged
 * and leave its timers to be retried after their lease.
 */
export async function fireDueTimers(ctx: AppContext, options: FireOptions): Promise<number> {
  let fired = 0;
  // Batch after batch until nothing is due: a hundred issues sharing one deadline all fire in this round.
  for (;;) {
    const claimed = await claimDueTimers(ctx.db, ctx.now(), options.batch ?? 100, options.leaseMs);
    if (claimed.length === 0) return fired;
    fired += claimed.length;
    const issues = [...new Set(claimed.map((t) => t.issueId))];
    // Issues are independent (each has its own row lock): a few at a time, so one slow issue holds up none.
    await Promise.all(Array.from({ length: Math.min(FIRING_CONCURRENCY, issues.length) }, async () => {
      for (let issueId = issues.shift(); issueId !== undefined; issueId = issues.shift()) {
        try {
          await fireIssueTimers(ctx, issueId, options.graceMs);
        } catch (error) {
          ctx.log.error({ err: error, issue: `ESC-${issueId}` }, 'could not fire timers; they will be retried');
        }
      }
    }));
    ctx.kickOutbox();
  }
}

const FIRING_CONCURRENCY = 4;

/**
 * Acts on all of one issue's due timers under its row lock. The claimed timers
 * only say which issue to look at: re-reading them here means that two instances
 * that each claimed part of an issue's timers still send one message, once.
 * Whom a tier can reach is looked up in Slack first, outside the transaction.
 */
async function fireIssueTimers(ctx: AppContext, issueId: number, graceMs: number): Promise<void> {
  const now = ctx.now();
  // Another instance may have claimed part of this issue's due timers: what fires under the lock is all of them.
  const due = await dueTimersOf(ctx.db, issueId, now);
  const reach = needsPeople(ctx.matrix, due) ? await reachOf(ctx, issueId, due, now) : EVERYONE_REACHABLE;
  let wakeAt: Date | undefined;
  await ctx.db.transaction(async (tx) => {
    const issue = (await lockIssue(tx, issueId))!;
    const { change, done, cancelled, postponed } = fireTimers(issue, await dueTimersOf(tx, issueId, now), now, graceMs, reach);
    await settleTimers(tx, cancelled, 'cancelled', now);
    await settleTimers(tx, done, 'done', now);
    if (postponed) {
      await postponeTimers(tx, postponed.ids, postponed.until);
      wakeAt = postponed.until;
    }
    if (!change.changed) return;
    // The plan already holds the later steps; only the progress recorded on the issue changes.
    await storeChange(tx, change, now, { replan: false });
    for (const e of change.events) {
      if (e.type === 'escalated') ctx.log.warn({ issue: issue.key, target: e.details.target, tier: e.details.tier, late: e.details.late, skipped: e.details.skipped }, 'target missed: escalated');
      else if (e.type === 'nudged') ctx.log.info({ issue: issue.key, target: e.details.target, step: e.details.step }, 'nudged');
    }
  });
  if (wakeAt) ctx.wakeTimersAt?.(wakeAt);
}

/** Whom the issue's due tier or nudge can reach, read from the issue as it is before its lock is taken. */
async function reachOf(ctx: AppContext, issueId: number, claimed: DueKinds[], now: Date) {
  const issue = await findIssue(ctx.db, issueId);
  return issue ? reachFor(ctx, issue, claimed, now) : EVERYONE_REACHABLE;
}
