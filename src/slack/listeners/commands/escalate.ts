import type { RespondFn } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import type { AppContext } from '../../../app/context.js';
import { fileIssue } from '../../../app/file-issue.js';
import { myDigest } from '../../../app/my-digest.js';
import { loadMyIssues } from '../../../app/my-issues.js';
import { showIssue } from '../../../app/show-issue.js';
import { parseEscalate, type EscalateCommand } from '../../../domain/quick-form.js';
import { filedInterim } from '../../blocks/agent-messages.js';
import { linkedInterim } from '../../blocks/swarm-messages.js';
import { digestMessage } from '../../blocks/digest.js';
import { escalateModal } from '../../blocks/escalate-modal.js';
import { intakeHelp } from '../../../app/intake-help.js';
import { helpMessage } from '../../blocks/help.js';
import { MESSAGE_BLOCKS, mineMessage, perList } from '../../blocks/issue-lists.js';
import type { Blocks } from '../../blocks/kit.js';
import { timelineMessage } from '../../blocks/timeline.js';
import { commandPayload } from '../../payloads.js';
import { platformError } from '../../slack-errors.js';
import { lateAnswer, SORRY, type ListenerDeps } from '../listener-kit.js';
import { beforeDeadline, isLate } from '../../../app/request-deadline.js';

type Command = { user_id: string; channel_id: string; trigger_id: string; response_url?: string };

/** Look-ups answer after the ack, through the response_url, so they may take longer than a filing. */
const LOOK_UP_DEADLINE_MS = 5_000;
type Answer = { text: string; blocks?: Blocks };

/** `show`, `mine` and `digest`: read-only answers, given after the ack because they may query Slack. */
async function lookUp(ctx: AppContext, parsed: Extract<EscalateCommand, { kind: 'show' | 'mine' | 'digest' }>, command: Command): Promise<Answer> {
  const refused = (message: string) => ({ text: `:no_entry: ${message}` });
  switch (parsed.kind) {
    case 'show': {
      const shown = await showIssue(ctx, parsed.key, command.user_id, command.channel_id);
      return shown.ok ? timelineMessage(shown.issue, shown.events, shown.parent) : refused(shown.message);
    }
    case 'digest': {
      const result = await myDigest(ctx, command.user_id, parsed.name);
      return result.ok ? digestMessage(result.digest, false) : refused(result.message);
    }
    case 'mine':
      return mineMessage(await loadMyIssues(ctx, command.user_id, perList(MESSAGE_BLOCKS)));
  }
}

/**
 * A complete quick form: stored before the ack, so "filed" is only ever said of
 * an issue on record, and "not filed" of one that never will be.
 */
async function fileAtOnce(ctx: AppContext, { draft, assumedOrigin }: Extract<EscalateCommand, { kind: 'file' }>, command: Command): Promise<Answer> {
  try {
    const filed = await beforeDeadline(ctx, (c) => fileIssue(c, {
      ...draft,
      agentId: command.user_id,
      agentChannel: command.channel_id,
      responseUrl: command.response_url,
      interim: true,
      requestKey: `command:${command.trigger_id}`,
    }));
    if (isLate(filed)) return { text: lateAnswer(filed, 'nothing was filed') };
    const answer = filed.linkedTo ? linkedInterim(filed.issue, filed.linkedTo) : filedInterim(filed.issue);
    return assumedOrigin ? { ...answer, text: `${answer.text}\n${originAssumed(ctx.matrix)}` } : answer;
  } catch (error) {
    ctx.log.error({ err: error }, 'could not file an escalation');
    return { text: ':x: Frontline could not store this escalation, so nothing was filed. Please try again in a minute.' };
  }
}

/** Said whenever the quick form files without `via:`: where the customer came from counts in the fairness figures. */
const originAssumed = (matrix: AppContext['matrix']) =>
  `:information_source: No \`via:\` given, so the origin is \`other\`. Next time add where the customer came from, e.g. \`via:${matrix.origins.find((o) => o !== 'other') ?? 'other'}\`.`;

/** The form, prefilled with what the quick form understood. */
async function openForm(ctx: AppContext, client: WebClient, respond: RespondFn, parsed: Extract<EscalateCommand, { kind: 'modal' }>, command: Command) {
  try {
    const help = await intakeHelp(ctx, parsed.draft.category, parsed.draft.summary);
    await client.views.open({
      trigger_id: command.trigger_id,
      view: escalateModal(ctx.matrix, parsed.draft, parsed.notes, { responseUrl: command.response_url, channelId: command.channel_id }, undefined, help),
    });
  } catch (error) {
    const code = platformError(error);
    ctx.log.warn({ err: error, code }, 'could not open the escalation form');
    const text = code === 'expired_trigger_id'
      ? ':hourglass: Slack took too long to open the form. Please run `/escalate` again.'
      : ':x: Frontline could not open the form. Please try again, or use `/escalate <category> <level> <summary>`.';
    await respond({ response_type: 'ephemeral', text }).catch(() => undefined);
  }
}

/** `/escalate`: help, `show ESC-12`, `mine`, `digest`, a complete quick form filed at once, or the form. */
export function registerEscalateCommand({ app, ctx }: ListenerDeps): void {
  app.command('/escalate', async ({ command, ack, client, respond }) => {
    const input = commandPayload.safeParse(command);
    if (!input.success) {
      ctx.log.warn({ issues: input.error.issues }, 'malformed slash command payload');
      await ack({ response_type: 'ephemeral', text: SORRY });
      return;
    }
    const parsed = parseEscalate(input.data.text, ctx.matrix);
    switch (parsed.kind) {
      case 'help':
        await ack({ response_type: 'ephemeral', ...helpMessage(ctx.matrix) });
        return;
      case 'file':
        await ack({ response_type: 'ephemeral', ...(await fileAtOnce(ctx, parsed, input.data)) });
        return;
      case 'modal':
        await ack();
        await openForm(ctx, client, respond, parsed, input.data);
        return;
      default:
        await ack();
        try {
          const answer = await beforeDeadline(ctx, (c) => lookUp(c, parsed, input.data), LOOK_UP_DEADLINE_MS);
          await respond({ response_type: 'ephemeral', ...(isLate(answer) ? { text: lateAnswer(answer, 'there is no answer yet') } : answer) });
        } catch (error) {
          ctx.log.error({ err: error, command: parsed.kind }, 'could not answer /escalate');
          await respond({ response_type: 'ephemeral', text: SORRY }).catch(() => undefined);
        }
    }
  });
}
