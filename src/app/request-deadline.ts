import type { Tx } from '../db/client.js';
import { markingLanesAfterCommit } from '../db/outbox-store.js';
import { TIMED_OUT, within } from '../time-limit.js';
import type { AppContext } from './context.js';

/**
 * Slack shows the person an error if a request is not answered within 3 seconds.
 * A request's database work therefore gets 2 seconds; past that the person is
 * told plainly that nothing changed, and the work is rolled back so that nothing
 * changes later either (a database that comes back after 20 s must not file the
 * issue the agent was told was not filed, or the retry would file it twice).
 */
export const REQUEST_DEADLINE_MS = 2_000;
/** A commit already under way at the deadline is waited for this much longer: its outcome decides the answer. */
const COMMIT_GRACE_MS = 400;

export interface RequestDeadline {
  /** Aborted when the person has been told that nothing changed: the work must not commit after that. */
  signal: AbortSignal;
  /** Set once the work passed its last check and its commit is under way. */
  committing: boolean;
}

/** Past the deadline: nothing was done; or the commit was under way and its outcome is not known yet. */
export type Late = { late: 'nothing_done' | 'unknown' };

export const isLate = (result: unknown): result is Late => typeof result === 'object' && result !== null && 'late' in result;

/** Runs a request's use case against the deadline; `work` gets a context whose transactions obey it. */
export async function beforeDeadline<T>(ctx: AppContext, work: (ctx: AppContext) => Promise<T>, ms = REQUEST_DEADLINE_MS): Promise<T | Late> {
  const controller = new AbortController();
  const deadline: RequestDeadline = { signal: controller.signal, committing: false };
  const running = work({ ...ctx, deadline });
  running.catch(() => undefined); // a late failure has no one left to tell; the use case logged it
  const result = await within(running, ms);
  if (result !== TIMED_OUT) return result;
  if (deadline.committing) {
    const committed = await within(running.then((r) => ({ r }), () => undefined), COMMIT_GRACE_MS);
    if (committed !== TIMED_OUT && committed) return committed.r;
    ctx.log.warn('database slow past a request deadline while committing: outcome unknown');
    return { late: 'unknown' };
  }
  controller.abort();
  ctx.log.warn('database did not answer within a request deadline: the request was refused and its work will roll back');
  return { late: 'nothing_done' };
}

export class DeadlinePassed extends Error {
  readonly code = 'deadline_passed';
}

/**
 * A transaction that respects the context's request deadline, if it has one:
 * it starts only before the deadline, and rolls back rather than commit once
 * the person has been told that nothing changed. Background work has no deadline.
 */
export function transact<T>(ctx: AppContext, work: (tx: Tx) => Promise<T>): Promise<T> {
  const { deadline } = ctx;
  // Requests queue to busy lanes (a burst of filings to one channel): their lanes are marked after commit, so that
  // no request waits on another's lane row for the rest of its transaction.
  return markingLanesAfterCommit(ctx.db, ctx.now, async (tx) => {
    if (deadline?.signal.aborted) throw new DeadlinePassed('the request was answered before its transaction began');
    const result = await work(tx);
    if (deadline?.signal.aborted) throw new DeadlinePassed('the request was answered before its transaction could commit');
    if (deadline) deadline.committing = true;
    return result;
  }, {
    marked: () => ctx.kickOutbox(),
    failed: (error, lanes) => ctx.log.warn({ err: error, lanes }, 'could not mark outbox lanes due after commit; the next sweep will'),
  });
}
