import { applyRetention, claimDailyJob } from '../db/retention.js';
import type { AppContext } from './context.js';

/**
 * The sweep's daily step: once per UTC day, one instance deletes what the
 * matrix's `retention:` no longer keeps. Each instance asks at most once a day.
 */
export function retentionTask(ctx: AppContext): () => Promise<void> {
  let askedFor = '';
  // A sweep asked for while today's run is going (the timer's sweep and an explicit one) waits for it.
  let running: Promise<void> | undefined;
  const run = async (day: string, now: Date) => {
    if (!(await claimDailyJob(ctx.db, 'retention', now))) return;
    const removed = await applyRetention(ctx.db, ctx.matrix.retention, now);
    ctx.log.info({ ...removed, day }, 'retention applied');
  };
  return async () => {
    const { retention } = ctx.matrix;
    if (retention.resolvedIssuesMs === undefined && retention.outboxMs === undefined && retention.eventsMs === undefined) return;
    const now = ctx.now();
    const day = now.toISOString().slice(0, 10);
    if (day === askedFor) return running;
    askedFor = day;
    running = run(day, now).finally(() => { running = undefined; });
    return running;
  };
}
