import { mayAct, type IssueOutcome } from '../../../app/act-on-issue.js';
import { claimIssue, unclaimIssue } from '../../../app/claim-issue.js';
import type { AppContext } from '../../../app/context.js';
import { resumeIssue } from '../../../app/wait-on-customer.js';
import { linkPermission, unlink } from '../../../app/swarms.js';
import { LINK_ACTION, linkModal, offersLink, UNDO_LINK_ACTION } from '../../blocks/swarm-messages.js';
import { findIssue } from '../../../db/issue-store.js';
import { linkCandidates } from '../../../db/swarm-store.js';
import { refuse } from '../../../domain/issue/rules.js';
import type { Issue } from '../../../domain/issue/issue.js';
import type { Refusal } from '../../../domain/issue/rules.js';
import { ACTION } from '../../blocks/issue-card.js';
import { HAPPY_ACTION } from '../../blocks/agent-messages.js';
import { passOnHappyCustomer } from '../../../app/praise.js';
import { reopenModal, rerouteModal, resolveModal, waitModal } from '../../blocks/issue-forms.js';
import { issueButtonPayload } from '../../payloads.js';
import { lateAnswer, SORRY, onAction, type ListenerDeps } from '../listener-kit.js';
import { beforeDeadline, isLate } from '../../../app/request-deadline.js';

/** One click: who, on which issue, and the click's own id (action_ts), so that a replay of it acts once. */
type Click = { issueId: number; userId: string; triggerId: string; requestKey: string };
type Reply = (text: string) => Promise<unknown>;

/**
 * Registers a card or DM button: ack at once, run it, and explain a refusal (or
 * a notice such as "you have already claimed it") privately to the person who clicked.
 */
function onButton(deps: ListenerDeps, actionId: string, run: (ctx: AppContext, click: Click) => Promise<IssueOutcome | Refusal | void>) {
  const { ctx } = deps;
  onAction(deps, actionId, async ({ ack, body, respond }) => {
    await ack();
    const tell: Reply = (text) =>
      respond({ response_type: 'ephemeral', replace_original: false, text }).catch((error: unknown) =>
        ctx.log.warn({ err: error, actionId }, 'could not answer a click'));
    try {
      const click = issueButtonPayload.parse(body);
      const action = click.actions[0]!;
      const outcome = await beforeDeadline(ctx, (c) => run(c, {
        issueId: action.value, userId: click.user.id, triggerId: click.trigger_id, requestKey: `click:${action.action_ts}:${click.user.id}`,
      }));
      if (isLate(outcome)) await tell(lateAnswer(outcome));
      else if (outcome && !outcome.ok) await tell(`:no_entry: ${outcome.message}`);
      else if (outcome && 'notice' in outcome && outcome.notice) await tell(outcome.notice);
    } catch (error) {
      ctx.log.error({ err: error, actionId }, 'button failed');
      await tell(SORRY);
    }
  });
}

/** The card's buttons, and the buttons in the agent's DMs. */
export function registerIssueButtons(deps: ListenerDeps): void {
  const { app, ctx } = deps;
  onButton(deps, ACTION.claim, (c, click) => claimIssue(c, click, 'button'));
  onButton(deps, ACTION.unclaim, (c, click) => unclaimIssue(c, click));
  onButton(deps, ACTION.resume, (c, click) => resumeIssue(c, click, 'button'));
  onButton(deps, HAPPY_ACTION, (c, click) => passOnHappyCustomer(c, click));
  onButton(deps, UNDO_LINK_ACTION, (c, click) => unlink(c, click, 'undo'));
  onButton(deps, LINK_ACTION, async (c, { issueId, userId, triggerId }) => {
    const issue = await findIssue(c.db, issueId);
    if (!issue) return refuse('not_found', 'That issue no longer exists.');
    if (!offersLink(issue)) return refuse('wrong_state', `${issue.key} cannot be linked now.`);
    const refused = await linkPermission(c, issue, userId);
    if (refused) return refused;
    const candidates = await linkCandidates(c.db, issue, 100);
    if (!candidates.length) return refuse('not_found', `There is no other open issue in ${issue.team} to link ${issue.key} to.`);
    await app.client.views.open({ trigger_id: triggerId, view: linkModal(issue, candidates) });
  });

  const withForm = (action: 'resolve' | 'reroute' | 'reopen' | 'wait', view: (issue: Issue) => Parameters<typeof app.client.views.open>[0]['view']) =>
    async (c: AppContext, { issueId, userId, triggerId }: Click) => {
      const allowed = await mayAct(c, issueId, userId, action);
      if (!allowed.ok) return allowed;
      await app.client.views.open({ trigger_id: triggerId, view: view(allowed.issue) });
    };
  onButton(deps, ACTION.resolve, withForm('resolve', resolveModal));
  onButton(deps, ACTION.reroute, withForm('reroute', (issue) => rerouteModal(issue, ctx.matrix)));
  onButton(deps, ACTION.reopen, withForm('reopen', reopenModal));
  onButton(deps, ACTION.wait, withForm('wait', waitModal));
}
