import { ACTION } from '../blocks/issue-card.js';
import { ESCALATE_MODAL } from '../blocks/escalate-modal.js';
import { REOPEN_MODAL, RESOLVE_MODAL, REROUTE_MODAL, WAIT_MODAL } from '../blocks/issue-forms.js';
import { LINK_ACTION, LINK_MODAL, UNDO_LINK_ACTION } from '../blocks/swarm-messages.js';
import type { ListenerDeps } from './listener-kit.js';

const COMMAND = '/escalate';
/** Every button and form a listener handles: these must be left to it (a second ack loses its answer). */
const ACTIONS = new Set<string>([...Object.values(ACTION), LINK_ACTION, UNDO_LINK_ACTION]);
const VIEWS = new Set([ESCALATE_MODAL, RESOLVE_MODAL, REROUTE_MODAL, REOPEN_MODAL, WAIT_MODAL, LINK_MODAL]);

/**
 * Requests no listener of ours handles (an old button, a form of a removed
 * version, another app's command sent here by mistake) are acknowledged at once
 * and changed nothing. Without this, Bolt leaves them unanswered, and Slack
 * shows the person an error after 3 seconds.
 */
export function registerUnknownRequests({ app, ctx }: ListenerDeps): void {
  app.command(/.*/, async ({ command, ack }) => {
    if (command.command === COMMAND) return;
    ctx.log.warn({ command: command.command }, 'a slash command Frontline does not handle');
    await ack({ response_type: 'ephemeral', text: `Frontline only answers \`${COMMAND}\`.` });
  });
  app.action(/.*/, async ({ action, ack }) => {
    const id = (action as { action_id?: string }).action_id;
    if (id !== undefined && ACTIONS.has(id)) return;
    ctx.log.debug({ actionId: id }, 'an action Frontline does not handle');
    await ack();
  });
  app.view(/.*/, async ({ view, ack }) => {
    if (VIEWS.has(view.callback_id)) return;
    ctx.log.debug({ callbackId: view.callback_id }, 'a form Frontline does not handle');
    await ack();
  });
}
