import { linkByHand } from '../../../app/swarms.js';
import { beforeDeadline, isLate } from '../../../app/request-deadline.js';
import { LINK_MODAL, PARENT_BLOCK } from '../../blocks/swarm-messages.js';
import { readIssueMetadata, readSelected, viewPayload } from '../../payloads.js';
import { lateAnswer, onView, type ListenerDeps } from '../listener-kit.js';

/** "Same as…": the picked issue's swarm gains this one as a report. Refusals stay on the form. */
export function registerLinkSubmitted(deps: ListenerDeps): void {
  const { ctx } = deps;
  onView(deps, LINK_MODAL, async ({ ack, body }) => {
    const parsed = viewPayload.safeParse(body);
    if (!parsed.success) {
      ctx.log.warn({ issues: parsed.error.issues.slice(0, 3) }, 'malformed form submission');
      await ack();
      return;
    }
    const { view, user } = parsed.data;
    const metadata = readIssueMetadata(view.private_metadata);
    const parentKey = readSelected(view.state.values, PARENT_BLOCK);
    if (!metadata || !parentKey) {
      await ack({ response_action: 'errors', errors: { [PARENT_BLOCK]: metadata ? 'Pick the issue it repeats.' : 'This form is out of date; close it and click again.' } });
      return;
    }
    try {
      const outcome = await beforeDeadline(ctx, (c) => linkByHand(c, { issueId: metadata.issueId, userId: user.id, requestKey: `form:${view.id}:${user.id}` }, parentKey));
      if (isLate(outcome)) await ack({ response_action: 'errors', errors: { [PARENT_BLOCK]: lateAnswer(outcome) } });
      else if (outcome.ok) await ack();
      else await ack({ response_action: 'errors', errors: { [PARENT_BLOCK]: outcome.message } });
    } catch (error) {
      ctx.log.error({ err: error }, 'link failed');
      await ack({ response_action: 'errors', errors: { [PARENT_BLOCK]: 'Frontline could not save this. Nothing changed; please submit again in a minute.' } });
    }
  });
}
