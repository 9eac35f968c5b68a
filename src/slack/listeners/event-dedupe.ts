import type { AnyMiddlewareArgs, Middleware } from '@slack/bolt';
import type { AppContext } from '../../app/context.js';
import { rememberRequest } from '../../db/request-store.js';
import { beforeDeadline, transact } from '../../app/request-deadline.js';

/**
 * Slack retries an event it thinks was not delivered (X-Slack-Retry-Num), and
 * Bolt does not deduplicate. The first delivery of an event_id runs the listeners;
 * a retry of it is acknowledged and ignored.
 */
export function dedupeEvents(ctx: AppContext): Middleware<AnyMiddlewareArgs> {
  return async ({ body, next }) => {
    const eventId = (body as { event_id?: unknown }).event_id;
    if (typeof eventId === 'string') {
      // A database that does not answer cannot tell a retry apart; the listener's own deadline then tells the person.
      const first = await beforeDeadline(ctx, (c) => transact(c, (tx) => rememberRequest(tx, `event:${eventId}`, ctx.now())));
      if (first === false) {
        ctx.log.debug({ eventId }, 'ignoring a repeated event delivery');
        return;
      }
    }
    await next();
  };
}
