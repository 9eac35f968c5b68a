import type { App } from '@slack/bolt';
import type { IssueOutcome } from '../../../app/act-on-issue.js';
import type { AppContext } from '../../../app/context.js';
import { reopenIssue } from '../../../app/reopen-issue.js';
import { rerouteIssue } from '../../../app/reroute-issue.js';
import { REASON_BLOCK, REASON_MAX, REOPEN_MODAL, REROUTE_MODAL, TEAM_BLOCK } from '../../blocks/issue-forms.js';
import { readIssueMetadata, readText, viewPayload } from '../../payloads.js';
import type { ListenerDeps } from '../listener-kit.js';

type Values = Record<string, Record<string, unknown>>;

/**
 * A form that asks for a reason and acts on one issue. Problems are shown on
 * the form; success closes it.
 */
function onReasonForm(app: App, ctx: AppContext, callbackId: string, run: (issueId: number, userId: string, reason: string, values: Values) => Promise<IssueOutcome>) {
  app.view(callbackId, async ({ ack, body }) => {
    const payload = viewPayload.parse(body);
    const reason = readText(payload.view.state.values, REASON_BLOCK, REASON_MAX, 'Say why, in a sentence or two.');
    const metadata = readIssueMetadata(payload.view.private_metadata);
    if (!reason.ok || !metadata) {
      await ack({ response_action: 'errors', errors: { [REASON_BLOCK]: reason.ok ? 'This form is out of date; close it and try again.' : reason.error } });
      return;
    }
    try {
      const outcome = await run(metadata.issueId, payload.user.id, reason.text, payload.view.state.values);
      if (outcome.ok) await ack();
      else await ack({ response_action: 'errors', errors: { [REASON_BLOCK]: outcome.message } });
    } catch (error) {
      ctx.log.error({ err: error, callbackId }, 'form action failed');
      await ack({ response_action: 'errors', errors: { [REASON_BLOCK]: 'Frontline could not save this. Nothing changed; please submit again in a minute.' } });
    }
  });
}

export function registerReasonForms({ app, ctx }: ListenerDeps): void {
  onReasonForm(app, ctx, REROUTE_MODAL, async (issueId, userId, reason, values) => {
    const team = (values[TEAM_BLOCK]?.value as { selected_option?: { value?: string } } | undefined)?.selected_option?.value;
    if (!team) return { ok: false, code: 'wrong_state', message: 'Choose the team to send it to (above).' };
    return rerouteIssue(ctx, issueId, userId, team, reason);
  });
  onReasonForm(app, ctx, REOPEN_MODAL, (issueId, userId, reason) => reopenIssue(ctx, issueId, userId, reason));
}
