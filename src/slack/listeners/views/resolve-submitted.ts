import { resolveIssue } from '../../../app/resolve-issue.js';
import { NOTE_BLOCK, RESOLVE_MODAL } from '../../blocks/issue-forms.js';
import { readResolveForm, readIssueMetadata, viewPayload } from '../../payloads.js';
import { lateAnswer, onView, type ListenerDeps } from '../listener-kit.js';
import { beforeDeadline, isLate } from '../../../app/request-deadline.js';

/** The resolve form: what to tell the customer. Problems stay on the form; success closes it. */
export function registerResolveSubmitted(deps: ListenerDeps): void {
  const { ctx } = deps;
  onView(deps, RESOLVE_MODAL, async ({ ack, body }) => {
    const parsed = viewPayload.safeParse(body);
    if (!parsed.success) {
      // Slack's own forms always parse; anything else is closed with nothing changed.
      ctx.log.warn({ issues: parsed.error.issues.slice(0, 3) }, 'malformed form submission');
      await ack();
      return;
    }
    const payload = parsed.data;
    const form = readResolveForm(payload.view.state.values);
    if (!form.ok) {
      await ack({ response_action: 'errors', errors: form.errors });
      return;
    }
    const metadata = readIssueMetadata(payload.view.private_metadata);
    if (!metadata) {
      await ack({ response_action: 'errors', errors: { [NOTE_BLOCK]: 'This form is out of date; close it and click Resolve again.' } });
      return;
    }
    try {
      // A second submission of the same form finds its request recorded, and closes quietly.
      const request = { issueId: metadata.issueId, userId: payload.user.id, requestKey: `form:${payload.view.id}:${payload.user.id}` };
      const outcome = await beforeDeadline(ctx, (c) => resolveIssue(c, request, form.note));
      if (isLate(outcome)) await ack({ response_action: 'errors', errors: { [NOTE_BLOCK]: lateAnswer(outcome) } });
      else if (outcome.ok) await ack();
      else await ack({ response_action: 'errors', errors: { [NOTE_BLOCK]: outcome.message } });
    } catch (error) {
      ctx.log.error({ err: error }, 'resolve failed');
      await ack({ response_action: 'errors', errors: { [NOTE_BLOCK]: 'Frontline could not save this. Nothing changed; please submit again in a minute.' } });
    }
  });
}
