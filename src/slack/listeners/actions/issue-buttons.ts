import type { App } from '@slack/bolt';
import { mayAct, type IssueOutcome } from '../../../app/act-on-issue.js';
import { claimIssue, unclaimIssue } from '../../../app/claim-issue.js';
import type { AppContext } from '../../../app/context.js';
import { resumeIssue, waitOnCustomer } from '../../../app/wait-on-customer.js';
import type { Decision } from '../../../domain/issue-rules.js';
import type { IssueRow } from '../../../db/schema.js';
import { ACTION } from '../../blocks/issue-card.js';
import { reopenModal, rerouteModal, resolveModal } from '../../blocks/issue-forms.js';
import { issueButtonPayload } from '../../payloads.js';
import { SORRY, type ListenerDeps } from '../listener-kit.js';

type Click = { issueId: number; userId: string; triggerId: string };
type Reply = (text: string) => Promise<unknown>;

/**
 * Registers a card or DM button: ack at once, run it, and explain any refusal
 * privately to the person who clicked.
 */
function onButton(app: App, ctx: AppContext, actionId: string, run: (click: Click, tell: Reply) => Promise<Decision | IssueOutcome | void>) {
  app.action(actionId, async ({ ack, body, respond }) => {
    await ack();
    const tell: Reply = (text) =>
      respond({ response_type: 'ephemeral', replace_original: false, text }).catch((error: unknown) =>
        ctx.log.warn({ err: error, actionId }, 'could not answer a click'));
    try {
      const click = issueButtonPayload.parse(body);
      const outcome = await run({ issueId: click.actions[0]!.value, userId: click.user.id, triggerId: click.trigger_id }, tell);
      if (outcome && !outcome.ok) await tell(`:no_entry: ${outcome.message}`);
    } catch (error) {
      ctx.log.error({ err: error, actionId }, 'button failed');
      await tell(SORRY);
    }
  });
}

/** The card's buttons, and the buttons in the agent's DMs. */
export function registerIssueButtons({ app, ctx }: ListenerDeps): void {
  onButton(app, ctx, ACTION.claim, async ({ issueId, userId }, tell) => {
    const outcome = await claimIssue(ctx, issueId, userId, 'button');
    if (outcome.ok && !outcome.changed) await tell(`You have already claimed ${outcome.issue.key}.`);
    return outcome;
  });
  onButton(app, ctx, ACTION.unclaim, ({ issueId, userId }) => unclaimIssue(ctx, issueId, userId));
  onButton(app, ctx, ACTION.wait, ({ issueId, userId }) => waitOnCustomer(ctx, issueId, userId));
  onButton(app, ctx, ACTION.resume, ({ issueId, userId }) => resumeIssue(ctx, issueId, userId, 'button'));

  const withForm = (action: 'resolve' | 'reroute' | 'reopen', view: (issue: IssueRow) => Parameters<typeof app.client.views.open>[0]['view']) =>
    async ({ issueId, userId, triggerId }: Click) => {
      const allowed = await mayAct(ctx, issueId, userId, action);
      if (!allowed.ok) return allowed;
      await app.client.views.open({ trigger_id: triggerId, view: view(allowed.issue) });
    };
  onButton(app, ctx, ACTION.resolve, withForm('resolve', resolveModal));
  onButton(app, ctx, ACTION.reroute, withForm('reroute', (issue) => rerouteModal(issue, ctx.matrix)));
  onButton(app, ctx, ACTION.reopen, withForm('reopen', reopenModal));
}
