import type { AnyMiddlewareArgs, Middleware } from '@slack/bolt';
import type { AppContext } from '../../app/context.js';
import { rememberRequest } from '../../db/request-store.js';

/**
 * Slack retries an event it thinks was not delivered (X-Slack-Retry-Num), and
 * Bolt does not deduplicate. The first delivery of an event_id runs the listeners;
 * a retry of it is acknowledged and ignored.
 */
export function dedupeEvents(ctx: AppContext): Middleware<AnyMiddlewareArgs> {
  return async ({ body, next }) => {
    const eventId = (body as { event_id?: unknown }).event_id;
    if (typeof eventId === 'string') {
      const first = await ctx.db.transaction((tx) => rememberRequest(tx, `event:${eventId}`, ctx.now()));
      if (!first) {
        ctx.log.debug({ eventId }, 'ignoring a repeated event delivery');
        return;
      }
    }
    await next();
  };
}
