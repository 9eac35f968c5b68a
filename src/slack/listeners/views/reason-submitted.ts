import type { ActionRequest, IssueOutcome } from '../../../app/act-on-issue.js';
import type { AppContext } from '../../../app/context.js';
import { reopenIssue } from '../../../app/reopen-issue.js';
import { rerouteIssue } from '../../../app/reroute-issue.js';
import { REASON_BLOCK, REASON_MAX, REOPEN_MODAL, REROUTE_MODAL, TEAM_BLOCK, WAIT_MODAL } from '../../blocks/issue-forms.js';
import { waitOnCustomer } from '../../../app/wait-on-customer.js';
import { refuse } from '../../../domain/issue/rules.js';
import { readIssueMetadata, readSelected, readText, viewPayload } from '../../payloads.js';
import { lateAnswer, onView, type ListenerDeps } from '../listener-kit.js';
import { beforeDeadline, isLate } from '../../../app/request-deadline.js';

type Values = Record<string, Record<string, unknown>>;

/** Refusals about the team chosen in the reroute form, shown on that field. */
const TEAM_PROBLEMS = new Set(['unknown_team', 'same_team']);

/**
 * A form that asks for a reason and acts on one issue. Problems are shown on
 * the form; success closes it.
 */
function onReasonForm(
  deps: ListenerDeps, callbackId: string, run: (ctx: AppContext, request: ActionRequest, reason: string, values: Values) => Promise<IssueOutcome>,
  missing = 'Say why, in a sentence or two.',
) {
  const { ctx } = deps;
  onView(deps, callbackId, async ({ ack, body }) => {
    const parsed = viewPayload.safeParse(body);
    if (!parsed.success) {
      // Slack's own forms always parse; anything else is closed with nothing changed.
      ctx.log.warn({ issues: parsed.error.issues.slice(0, 3) }, 'malformed form submission');
      await ack();
      return;
    }
    const payload = parsed.data;
    const reason = readText(payload.view.state.values, REASON_BLOCK, REASON_MAX, missing);
    const metadata = readIssueMetadata(payload.view.private_metadata);
    if (!reason.ok || !metadata) {
      await ack({ response_action: 'errors', errors: { [REASON_BLOCK]: reason.ok ? 'This form is out of date; close it and try again.' : reason.error } });
      return;
    }
    try {
      const request = { issueId: metadata.issueId, userId: payload.user.id, requestKey: `form:${payload.view.id}:${payload.user.id}` };
      const outcome = await beforeDeadline(ctx, (c) => run(c, request, reason.text, payload.view.state.values));
      if (isLate(outcome)) await ack({ response_action: 'errors', errors: { [REASON_BLOCK]: lateAnswer(outcome) } });
      else if (outcome.ok) await ack();
      else await ack({ response_action: 'errors', errors: { [TEAM_PROBLEMS.has(outcome.code) ? TEAM_BLOCK : REASON_BLOCK]: outcome.message } });
    } catch (error) {
      ctx.log.error({ err: error, callbackId }, 'form action failed');
      await ack({ response_action: 'errors', errors: { [REASON_BLOCK]: 'Frontline could not save this. Nothing changed; please submit again in a minute.' } });
    }
  });
}

export function registerReasonForms(deps: ListenerDeps): void {
  onReasonForm(deps, REROUTE_MODAL, async (c, request, reason, values) => {
    const team = readSelected(values, TEAM_BLOCK);
    if (!team) return refuse('unknown_team', 'Choose the team to send it to (above).');
    return rerouteIssue(c, request, team, reason);
  });
  onReasonForm(deps, REOPEN_MODAL, (c, request, reason) => reopenIssue(c, request, reason));
  // The agent is asked exactly this: a pause without a question leaves them guessing what to ask.
  onReasonForm(deps, WAIT_MODAL, (c, request, question) => waitOnCustomer(c, request, question), 'Write the question the agent should ask the customer.');
}
