import { decideFiring, type DueTimer } from '../escalation-plan.js';
import type { OutboxMessage } from '../outbox-message.js';
import { isUserId } from '../slack-ids.js';
import { changed, homeRefreshes, unchanged, updateCard, type Change } from './change.js';
import { event } from './events.js';
import type { Issue } from './issue.js';
import { EVERYONE_REACHABLE, expand, type Reach } from '../people.js';

/** A due timer as stored: `fence` says which plan of the issue's clock it belongs to. */
export interface StoredTimer extends DueTimer {
  fence: number;
}

export interface Firing {
  change: Change;
  /** Timers acted on (or superseded by the one acted on). */
  done: number[];
  /** Timers of an older plan: the issue was claimed, paused or resolved since. They do nothing. */
  cancelled: number[];
  /** Timers to fire again later: a nudge to a claimer outside their working hours. */
  postponed?: { ids: number[]; until: Date };
}

/**
 * The clock's part in an issue's life: what its due reminders and escalation
 * tiers do. One message per issue and round: the highest due tier wins over
 * nudges, and `late` (the bot was down across several steps) turns a burst
 * into one "missed while Frontline was down" note.
 */
export function fireTimers(issue: Issue, due: StoredTimer[], now: Date, graceMs: number, reach: Reach = EVERYONE_REACHABLE): Firing {
  // A tier already reached (an earlier tier found nobody and went on to it), or a nudge already
  // sent or overtaken while it waited for its claimer, does nothing again.
  const stale = (t: StoredTimer) => (t.kind === 'tier' ? t.step < issue[t.target].tier : t.step < issue[t.target].nudgesSent);
  const current = due.filter((t) => t.fence === issue.clockFence && !stale(t));
  const cancelled = due.filter((t) => !current.includes(t)).map((t) => t.id);
  const done = current.map((t) => t.id);
  const decision = decideFiring(current, now, graceMs);
  if (decision.tier) return { change: escalate(issue, decision.tier, decision.late, reach), done, cancelled };
  if (decision.nudge) {
    // A claimer outside their working hours is nudged when they next start, unless the level runs around the clock.
    const claimer = decision.nudge.target === 'resolve' ? issue.claim?.by : undefined;
    const opensAt = claimer && !issue.snapshot.calendar.always ? reach.opensAt[claimer] : undefined;
    // Only the latest nudge waits; the ones it overtook go, so that it is not taken for a burst after downtime.
    const overtaken = done.filter((id) => id !== decision.nudge!.id);
    if (opensAt && opensAt > now) return { change: unchanged(issue), done: [], cancelled: [...cancelled, ...overtaken], postponed: { ids: [decision.nudge.id], until: opensAt } };
    return { change: nudge(issue, decision.nudge, decision.late), done, cancelled };
  }
  return { change: unchanged(issue), done, cancelled };
}

function nudge(issue: Issue, timer: DueTimer, late: boolean): Change {
  const clock = timer.target === 'ack' ? { ack: { ...issue.ack, nudgesSent: timer.step + 1 } } : { resolve: { ...issue.resolve, nudgesSent: timer.step + 1 } };
  const next = { ...issue, ...clock } as Issue;
  return changed(next, [event('nudged', null, { target: timer.target, step: timer.step, late })], [
    { kind: 'thread_note', issueId: issue.id, channel: issue.channel, note: { note: 'nudge', target: timer.target } },
  ]);
}

/**
 * Notifies the tier that is due, and, when the bot was down across several
 * tiers, everyone in the tiers it skipped: each person once, in one round.
 * User groups are DMed member by member. People outside their working hours or
 * in do-not-disturb are passed over; when nobody in those tiers can be reached,
 * the next tier is tried, and if nobody in the chain can be, the due tier is
 * told anyway: an escalation is never dropped.
 */
function escalate(issue: Issue, timer: DueTimer, late: boolean, reach: Reach): Change {
  const { target } = timer;
  const chain = issue.snapshot.team.escalation[target];
  const already = issue[target].tier;
  const canReach = (people: string[]) => people.filter((p) => !reach.unreachable[p]);
  let last = timer.step;
  let people = expand(chain.slice(already, last + 1).flatMap((t) => t.notify), reach);
  while (canReach(people).length === 0 && last + 1 < chain.length) {
    last += 1;
    people = [...new Set([...people, ...expand(chain[last]!.notify, reach)])];
  }
  const nobodyReachable = canReach(people).length === 0;
  const notify = nobodyReachable ? expand(chain.slice(already, timer.step + 1).flatMap((t) => t.notify), reach) : canReach(people);
  const skipped = nobodyReachable ? [] : people.filter((p) => reach.unreachable[p]).map((user) => ({ user, why: reach.unreachable[user]! }));
  const tier = (nobodyReachable ? timer.step : last) + 1;
  const progress = { ...issue[target], tier, nudgesSent: issue.snapshot.nudges.length };
  const next = { ...issue, [target]: progress } as Issue;
  const dms: OutboxMessage[] = notify.filter(isUserId).map((user) => ({ kind: 'tier_dm', issueId: issue.id, user, target, tier, late }));
  const passed = { skipped, ...(nobodyReachable ? { nobodyReachable } : {}) };
  return changed(next, [event('escalated', null, { target, tier, notify, late, ...passed })], [
    { kind: 'thread_note', issueId: issue.id, channel: issue.channel, note: { note: 'escalated', target, tier, notify, late, ...passed } },
    updateCard(next),
    ...dms,
    ...homeRefreshes(next),
  ]);
}
