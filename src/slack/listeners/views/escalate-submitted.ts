import { fileIssue } from '../../../app/file-issue.js';
import { articleOnly } from '../../../app/intake-help.js';
import { escalateModal, ESCALATE_MODAL, FIELD } from '../../blocks/escalate-modal.js';
import { readEscalateForm, readEscalateMetadata, readPraised, readSwarmChoice, viewPayload } from '../../payloads.js';
import { lateAnswer, onView, type ListenerDeps } from '../listener-kit.js';
import { beforeDeadline, isLate } from '../../../app/request-deadline.js';

/** The escalation modal: inline errors for bad input, otherwise the issue is filed and the modal closes. */
export function registerEscalateSubmitted(deps: ListenerDeps): void {
  const { ctx } = deps;
  onView(deps, ESCALATE_MODAL, async ({ ack, body }) => {
    const parsed = viewPayload.safeParse(body);
    if (!parsed.success) {
      // Slack's own forms always parse; anything else is closed with nothing changed.
      ctx.log.warn({ issues: parsed.error.issues.slice(0, 3) }, 'malformed form submission');
      await ack();
      return;
    }
    const payload = parsed.data;
    const form = readEscalateForm(ctx.matrix, payload.view.state.values);
    if (!form.ok) {
      await ack({ response_action: 'errors', errors: form.errors });
      return;
    }
    const metadata = readEscalateMetadata(payload.view.private_metadata);
    const choice = readSwarmChoice(payload.view.state.values);
    try {
      const filed = await beforeDeadline(ctx, (c) => fileIssue(c, {
        ...form.form,
        agentId: payload.user.id,
        agentChannel: metadata.channelId,
        responseUrl: metadata.responseUrl,
        requestKey: `view:${payload.view.id}`,
        swarm: choice ?? 'ask',
        praised: readPraised(payload.view.state.values),
      }));
      // Past the deadline the form stays open, saying why, so the agent can submit it again.
      if (isLate(filed)) await ack({ response_action: 'errors', errors: { [FIELD.summary]: lateAnswer(filed, 'nothing was filed') } });
      else if (filed.match) {
        // Like an open issue: the same form again, with the match to confirm, before anything is filed.
        const offered = { parent: filed.match.parent, customers: filed.match.parent.reportCount + 1 };
        // Filing took part of Slack's 3 seconds: the article only, no second database read.
        const help = articleOnly(ctx, form.form.category);
        await ack({ response_action: 'update', view: escalateModal(ctx.matrix, form.form, [], metadata, offered, help) });
      } else await ack();
    } catch (error) {
      ctx.log.error({ err: error }, 'could not file an escalation from the form');
      await ack({
        response_action: 'errors',
        errors: { [FIELD.summary]: 'Frontline could not store this escalation. Nothing was filed; please submit again in a minute.' },
      });
    }
  });
}
