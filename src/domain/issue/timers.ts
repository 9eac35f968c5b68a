import { decideFiring, type DueTimer } from '../escalation-plan.js';
import type { OutboxMessage } from '../outbox-message.js';
import { isUserId } from '../slack-ids.js';
import { changed, homeRefreshes, unchanged, updateCard, type Change } from './change.js';
import { event } from './events.js';
import type { Issue } from './issue.js';

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
}

/**
 * The clock's part in an issue's life: what its due reminders and escalation
 * tiers do. One message per issue and round: the highest due tier wins over
 * nudges, and `late` (the bot was down across several steps) turns a burst
 * into one "missed while Frontline was down" note.
 */
export function fireTimers(issue: Issue, due: StoredTimer[], now: Date, graceMs: number): Firing {
  const current = due.filter((t) => t.fence === issue.clockFence);
  const cancelled = due.filter((t) => t.fence !== issue.clockFence).map((t) => t.id);
  const done = current.map((t) => t.id);
  const decision = decideFiring(current, now, graceMs);
  if (decision.tier) return { change: escalate(issue, decision.tier, decision.late), done, cancelled };
  if (decision.nudge) return { change: nudge(issue, decision.nudge, decision.late), done, cancelled };
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
 * Users get a DM; everyone, user groups included, is mentioned in the thread.
 */
function escalate(issue: Issue, timer: DueTimer, late: boolean): Change {
  const { target } = timer;
  const chain = issue.snapshot.team.escalation[target];
  const already = issue[target].tier;
  const notify = [...new Set(chain.slice(already, timer.step + 1).flatMap((t) => t.notify))];
  const tier = timer.step + 1;
  const progress = { ...issue[target], tier, nudgesSent: issue.snapshot.nudges.length };
  const next = { ...issue, [target]: progress } as Issue;
  const dms: OutboxMessage[] = notify.filter(isUserId).map((user) => ({ kind: 'tier_dm', issueId: issue.id, user, target, tier, late }));
  return changed(next, [event('escalated', null, { target, tier, notify, late })], [
    { kind: 'thread_note', issueId: issue.id, channel: issue.channel, note: { note: 'escalated', target, tier, notify, late } },
    updateCard(next),
    ...dms,
    ...homeRefreshes(next),
  ]);
}
