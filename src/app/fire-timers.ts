import { decideFiring, type DueTimer } from '../domain/escalation-plan.js';
import { appendEvent, lockIssue, updateIssue } from '../db/issue-store.js';
import { enqueue, type OutboxMessage } from '../db/outbox-store.js';
import type { Tx } from '../db/client.js';
import type { IssueRow, TimerRow } from '../db/schema.js';
import { claimDueTimers, dueTimersOf, settleTimers } from '../db/timer-store.js';
import type { AppContext } from './context.js';
import { homesOf } from './home-refresh.js';
import { isUserId } from '../domain/slack-ids.js';

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
  const claimed = await claimDueTimers(ctx.db, ctx.now(), options.batch ?? 100, options.leaseMs);
  for (const issueId of new Set(claimed.map((t) => t.issueId))) {
    try {
      await fireIssueTimers(ctx, issueId, options.graceMs);
    } catch (error) {
      ctx.log.error({ err: error, issue: `ESC-${issueId}` }, 'could not fire timers; they will be retried');
    }
  }
  if (claimed.length) ctx.kickOutbox();
  return claimed.length;
}

const toDue = (t: TimerRow): DueTimer => ({ id: t.id, kind: t.kind, target: t.target, step: t.step, dueAt: t.dueAt });

/**
 * Acts on all of one issue's due timers under its row lock. The claimed timers
 * only say which issue to look at: re-reading them here means that two instances
 * that each claimed part of an issue's timers still send one message, once.
 * The fence check makes a timer from an older plan (the issue was claimed,
 * paused or resolved since) do nothing.
 */
async function fireIssueTimers(ctx: AppContext, issueId: number, graceMs: number): Promise<void> {
  const now = ctx.now();
  await ctx.db.transaction(async (tx) => {
    const issue = (await lockIssue(tx, issueId))!;
    const due = await dueTimersOf(tx, issueId, now);
    const current = due.filter((t) => t.fence === issue.clockFence);
    await settleTimers(tx, due.filter((t) => !current.includes(t)).map((t) => t.id), 'cancelled', now);
    if (current.length === 0) return;
    const decision = decideFiring(current.map(toDue), now, graceMs);
    await settleTimers(tx, current.map((t) => t.id), 'done', now);
    const log = ctx.log.child({ issue: issue.key });
    if (decision.tier) {
      await escalate(tx, issue, decision.tier, decision.late, now);
      log.warn({ target: decision.tier.target, tier: decision.tier.step + 1, late: decision.late }, 'target missed: escalated');
    } else if (decision.nudge) {
      await nudge(tx, issue, decision.nudge, decision.late, now);
      log.info({ target: decision.nudge.target, step: decision.nudge.step }, 'nudged');
    }
  });
}


async function nudge(tx: Tx, issue: IssueRow, timer: DueTimer, late: boolean, now: Date): Promise<void> {
  const sent = timer.target === 'ack' ? { ackNudgesSent: timer.step + 1 } : { resolveNudgesSent: timer.step + 1 };
  await updateIssue(tx, issue.id, { ...sent, updatedAt: now });
  await appendEvent(tx, issue.id, 'nudged', null, now, { target: timer.target, step: timer.step, late });
  await enqueue(tx, now, { issueId: issue.id, kind: 'thread_note', lane: issue.channel, payload: { note: 'nudge', target: timer.target } });
}

/**
 * Notifies the tier that is due, and, when the bot was down across several
 * tiers, everyone in the tiers it skipped: each person once, in one round.
 */
async function escalate(tx: Tx, issue: IssueRow, timer: DueTimer, late: boolean, now: Date): Promise<void> {
  const chain = issue.snapshot.team.escalation[timer.target];
  const already = timer.target === 'ack' ? issue.ackTier : issue.resolveTier;
  const notify = [...new Set(chain.slice(already, timer.step + 1).flatMap((t) => t.notify))];
  const tier = timer.step + 1;
  const progress = timer.target === 'ack'
    ? { ackTier: tier, ackNudgesSent: issue.snapshot.nudges.length }
    : { resolveTier: tier, resolveNudgesSent: issue.snapshot.nudges.length };
  const updated = await updateIssue(tx, issue.id, { ...progress, updatedAt: now });
  await appendEvent(tx, issue.id, 'escalated', null, now, { target: timer.target, tier, notify, late });
  const dms: OutboxMessage[] = notify
    .filter(isUserId)
    .map((user) => ({ issueId: issue.id, kind: 'tier_dm', lane: `user:${user}`, payload: { user, target: timer.target, tier, late } }));
  await enqueue(tx, now,
    { issueId: issue.id, kind: 'thread_note', lane: issue.channel, payload: { note: 'escalated', target: timer.target, tier, notify, late } },
    { issueId: issue.id, kind: 'update_card', lane: issue.channel },
    ...dms,
    ...homesOf(updated));
}
