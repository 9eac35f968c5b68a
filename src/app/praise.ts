import { lockIssue } from '../db/issue-store.js';
import { happyCustomerFrom } from '../db/praise-store.js';
import { happyCustomer } from '../domain/issue/praise.js';
import { refuse } from '../domain/issue/rules.js';
import { storeChange, type IssueOutcome } from './act-on-issue.js';
import type { AppContext } from './context.js';
import { transact } from './request-deadline.js';

/**
 * The agent's "The customer was happy" on a resolution DM: praise for the
 * expert who resolved it, recorded once and passed on by DM.
 */
export async function passOnHappyCustomer(ctx: AppContext, click: { issueId: number; userId: string }): Promise<IssueOutcome> {
  const outcome = await transact(ctx, async (tx): Promise<IssueOutcome> => {
    const issue = await lockIssue(tx, click.issueId);
    if (!issue) return refuse('not_found', 'That issue no longer exists.');
    // Once per resolution: reopened and resolved again (perhaps by someone else), it can be praised again.
    const decided = happyCustomer(issue, click.userId, await happyCustomerFrom(tx, issue.id));
    if (!decided.ok || !decided.changed) return decided;
    await storeChange(tx, decided, ctx.now(), { replan: false, observe: ctx.observe });
    return { ok: true, changed: true, issue, notice: decided.notice };
  });
  if (outcome.ok && outcome.changed) {
    ctx.log.info({ issue: outcome.issue.key, by: click.userId }, 'customer was happy: praise passed on');
    ctx.kickOutbox();
  }
  return outcome;
}
