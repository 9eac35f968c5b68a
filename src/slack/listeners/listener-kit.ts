import type { AnyMiddlewareArgs, App, Middleware, SlackActionMiddlewareArgs, SlackViewMiddlewareArgs } from '@slack/bolt';
import type { AppContext } from '../../app/context.js';
import type { Late } from '../../app/request-deadline.js';

/**
 * Tracks listener work that continues after ack(). Bolt's app.stop() does not wait
 * for it, so shutdown does.
 */
export class InFlight {
  private readonly running = new Set<Promise<unknown>>();

  /** Global Bolt middleware: every listener chain is tracked until it settles. */
  middleware(): Middleware<AnyMiddlewareArgs> {
    return async ({ next }) => {
      const work = next();
      this.running.add(work);
      try {
        await work;
      } finally {
        this.running.delete(work);
      }
    };
  }

  async drain(): Promise<void> {
    while (this.running.size) await Promise.allSettled([...this.running]);
  }
}

export interface ListenerDeps {
  app: App;
  ctx: AppContext;
  /** The buttons and forms that have a listener (see onAction, onView): the catch-all for unknown ones leaves them alone. */
  handled: { actions: Set<string>; views: Set<string> };
}

/** Registers a button's listener, and records it as handled. */
export function onAction(deps: ListenerDeps, actionId: string, listener: Middleware<SlackActionMiddlewareArgs>): void {
  deps.handled.actions.add(actionId);
  deps.app.action(actionId, listener);
}

/** Registers a form's listener, and records it as handled. */
export function onView(deps: ListenerDeps, callbackId: string, listener: Middleware<SlackViewMiddlewareArgs>): void {
  deps.handled.views.add(callbackId);
  deps.app.view(callbackId, listener);
}

/** Something went wrong on our side: the user gets this, the log gets the stack. */
export const SORRY = ':x: Frontline hit an unexpected problem and changed nothing. Please try again in a minute.';

/** What a person is told when the database did not answer within the request's deadline. */
export function lateAnswer(late: Late, what = 'nothing changed'): string {
  return late.late === 'nothing_done'
    ? `:hourglass: Frontline's database did not answer in time, so ${what}. Please try again in a minute.`
    : ':hourglass: Frontline\'s database answered too slowly to confirm this. If it went through, you will see it within a minute '
      + '(the card, or a message from Frontline); please check `/escalate mine` before trying again.';
}
