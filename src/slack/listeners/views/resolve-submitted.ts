import { resolveIssue } from '../../../app/resolve-issue.js';
import { findIssue } from '../../../db/issue-store.js';
import { NOTE_BLOCK, RESOLVE_MODAL } from '../../blocks/issue-forms.js';
import { readResolveForm, readIssueMetadata, viewPayload } from '../../payloads.js';
import type { ListenerDeps } from '../listener-kit.js';

export function registerResolveSubmitted({ app, ctx }: ListenerDeps): void {
  // A double submission finds the issue already resolved by the same person: nothing to say.
  const isRepeat = async (issueId: number, userId: string, code: string) =>
    code === 'already_resolved' && (await findIssue(ctx.db, issueId))?.resolvedBy === userId;

  app.view(RESOLVE_MODAL, async ({ ack, body }) => {
    const payload = viewPayload.parse(body);
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
      const outcome = await resolveIssue(ctx, metadata.issueId, payload.user.id, form.note);
      if (outcome.ok || (await isRepeat(metadata.issueId, payload.user.id, outcome.code))) await ack();
      else await ack({ response_action: 'errors', errors: { [NOTE_BLOCK]: outcome.message } });
    } catch (error) {
      ctx.log.error({ err: error }, 'resolve failed');
      await ack({ response_action: 'errors', errors: { [NOTE_BLOCK]: 'Frontline could not save this. Nothing changed; please submit again in a minute.' } });
    }
  });
}
