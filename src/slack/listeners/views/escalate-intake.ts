import { countDeflection, intakeHelp } from '../../../app/intake-help.js';
import { CATEGORY_CHOSEN, ESCALATE_MODAL, escalateModal } from '../../blocks/escalate-modal.js';
import { platformError } from '../../slack-errors.js';
import { formActionPayload, readDraft, readEscalateMetadata } from '../../payloads.js';
import { onAction, type ListenerDeps } from '../listener-kit.js';

/**
 * The form teaches while the agent fills it in: choosing a category rebuilds
 * it with that category's article and past answers, and closing it after that
 * counts as a deflection (an escalation the front line did not need).
 */
export function registerEscalateIntake(deps: ListenerDeps): void {
  const { app, ctx } = deps;
  onAction(deps, CATEGORY_CHOSEN, async ({ ack, body, client }) => {
    await ack();
    const parsed = formActionPayload.safeParse(body);
    if (!parsed.success) return;
    const { view } = parsed.data;
    const draft = readDraft(view.state.values);
    const help = await intakeHelp(ctx, draft.category, draft.summary);
    const metadata = readEscalateMetadata(view.private_metadata);
    try {
      // The hash makes Slack refuse this update if a later choice already rebuilt the form.
      await client.views.update({ view_id: view.id, hash: view.hash, view: escalateModal(ctx.matrix, draft, [], metadata, undefined, help) });
    } catch (error) {
      const code = platformError(error);
      if (code !== 'hash_conflict') ctx.log.warn({ err: error, code }, 'could not show the category\'s help in the form');
    }
  });

  app.view({ callback_id: ESCALATE_MODAL, type: 'view_closed' }, async ({ ack, body }) => {
    await ack();
    const closed = formActionPayload.safeParse(body);
    if (!closed.success) return;
    const { view, user } = closed.data;
    try {
      await countDeflection(ctx, {
        viewId: view.id, userId: user.id, shown: readEscalateMetadata(view.private_metadata).shown, draft: readDraft(view.state.values),
      });
    } catch (error) {
      ctx.log.warn({ err: error }, 'could not count a deflection');
    }
  });
}
