import { addOpenTime, openTimeBetween, subtractOpenTime, type Calendar } from './calendar.js';
import type { Target } from './issue/events.js';
import type { Issue } from './issue/issue.js';
import type { Tier } from './routing/matrix.js';

export type { Target } from './issue/events.js';

/**
 * Which reminders and escalation tiers an issue needs, and when. Pure: the
 * caller stores the plan as timer rows and replans after every change.
 *
 * - Before a claim, the acknowledgement target runs: nudges, then the `ack` chain.
 * - Once claimed, the resolution target runs: nudges, then the `resolve` chain.
 * - Waiting on the customer or resolved: nothing runs.
 */

export interface PlannedTimer {
  kind: 'nudge' | 'tier';
  target: Target;
  /** The nudge's index in `nudges`, or the tier's index in the chain. */
  step: number;
  dueAt: Date;
}

function planTarget(
  calendar: Calendar, nudges: number[], target: Target, totalMs: number, due: Date,
  nudgesSent: number, tiersFired: number, tiers: Tier[], now: Date,
): PlannedTimer[] {
  const planned: PlannedTimer[] = [];
  nudges.forEach((fraction, step) => {
    if (step < nudgesSent) return;
    const dueAt = subtractOpenTime(calendar, due, (1 - fraction) * totalMs);
    // A share already passed when the clock (re)starts is not worth a late reminder.
    if (dueAt > now) planned.push({ kind: 'nudge', target, step, dueAt });
  });
  let at = due;
  tiers.forEach((tier, step) => {
    if (step > 0) at = addOpenTime(calendar, at, tier.after!);
    // A missed tier still fires, however late: escalations must never be lost.
    if (step >= tiersFired) planned.push({ kind: 'tier', target, step, dueAt: at });
  });
  return planned;
}

export function planTimers(issue: Issue, now: Date): PlannedTimer[] {
  const { calendar, nudges, team } = issue.snapshot;
  // A report of a swarm runs no clocks: its parent's reminders and tiers cover it.
  if (issue.parentId !== null) return [];
  if (issue.status === 'unclaimed') {
    const { ack } = issue;
    const total = openTimeBetween(calendar, ack.startedAt, ack.dueAt);
    return planTarget(calendar, nudges, 'ack', total, ack.dueAt, ack.nudgesSent, ack.tier, team.escalation.ack, now);
  }
  if (issue.status === 'claimed') {
    const { resolve } = issue;
    return planTarget(calendar, nudges, 'resolve', resolve.targetMs, resolve.dueAt, resolve.nudgesSent, resolve.tier, team.escalation.resolve, now);
  }
  return [];
}

export interface DueTimer extends PlannedTimer {
  id: number;
}

export interface FiringDecision {
  /** The timers to mark done without a message: superseded by a later one, or stale. */
  skip: number[];
  /** The one reminder to send, if any. */
  nudge?: DueTimer;
  /** The tier to notify, if any: the highest that is due. */
  tier?: DueTimer;
  /** True when the bot was down across several steps: one "missed while down" message replaces the burst. */
  late: boolean;
}

/**
 * What to send for the timers of one issue that are due together. One message
 * per issue: the highest due tier wins over nudges, and a later nudge over an
 * earlier one. `late` marks timers found long after they fell due.
 */
export function decideFiring(due: DueTimer[], now: Date, graceMs: number): FiringDecision {
  const byTime = [...due].sort((a, b) => a.dueAt.getTime() - b.dueAt.getTime() || a.step - b.step);
  const tiers = byTime.filter((t) => t.kind === 'tier');
  const tier = tiers.at(-1);
  const nudge = tier ? undefined : byTime.filter((t) => t.kind === 'nudge').at(-1);
  const chosen = tier ?? nudge;
  const late = due.length > 1 || (chosen !== undefined && now.getTime() - chosen.dueAt.getTime() > graceMs);
  return { skip: due.filter((t) => t !== chosen).map((t) => t.id), nudge, tier, late };
}
