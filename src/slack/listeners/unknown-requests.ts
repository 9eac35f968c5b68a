import type { ListenerDeps } from './listener-kit.js';

const COMMAND = '/escalate';

/**
 * Requests no listener of ours handles (an old button, a form of a removed
 * version, another app's command sent here by mistake) are acknowledged at once
 * and changed nothing. Without this, Bolt leaves them unanswered, and Slack
 * shows the person an error after 3 seconds. Bolt runs every listener that
 * matches, so the ones with a listener of their own (registered through
 * onAction and onView) are left alone: a second ack would lose their answer.
 */
export function registerUnknownRequests({ app, ctx, handled }: ListenerDeps): void {
  app.command(/.*/, async ({ command, ack }) => {
    if (command.command === COMMAND) return;
    ctx.log.warn({ command: command.command }, 'a slash command Frontline does not handle');
    await ack({ response_type: 'ephemeral', text: `Frontline only answers \`${COMMAND}\`.` });
  });
  app.action(/.*/, async ({ action, ack }) => {
    const id = (action as { action_id?: string }).action_id;
    if (id !== undefined && handled.actions.has(id)) return;
    ctx.log.debug({ actionId: id }, 'an action Frontline does not handle');
    await ack();
  });
  app.view(/.*/, async ({ view, ack }) => {
    if (handled.views.has(view.callback_id)) return;
    ctx.log.debug({ callbackId: view.callback_id }, 'a form Frontline does not handle');
    await ack();
  });
}
