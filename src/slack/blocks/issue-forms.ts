import type { View } from '@slack/types';
import { escapeMrkdwn, safeText } from '../../domain/mrkdwn.js';
import type { Matrix } from '../../domain/routing/matrix.js';
import type { Issue } from '../../domain/issue/issue.js';
import { context, plain, type Blocks } from './kit.js';

/** The forms that act on one issue: resolve, reroute, reopen. Each carries the issue id in its metadata. */

export const RESOLVE_MODAL = 'resolve_modal';
export const REROUTE_MODAL = 'reroute_modal';
export const REOPEN_MODAL = 'reopen_modal';
export const WAIT_MODAL = 'wait_modal';
export const NOTE_BLOCK = 'note';
export const NOTE_MAX = 3000;
export const TEAM_BLOCK = 'team';
export const REASON_BLOCK = 'reason';
export const REASON_MAX = 1000;

function issueForm(issue: Issue, callbackId: string, verb: string, blocks: Blocks): View {
  return {
    type: 'modal',
    callback_id: callbackId,
    title: plain(`${verb} ${issue.key}`, 24),
    submit: plain(verb, 24),
    close: plain('Cancel', 24),
    private_metadata: JSON.stringify({ issueId: issue.id }),
    blocks: [context(`*${escapeMrkdwn(issue.key)}*: ${safeText(issue.summary, 300)}`), ...blocks],
  };
}

const textInput = (blockId: string, label: string, max: number, hint?: string) => ({
  type: 'input' as const,
  block_id: blockId,
  label: plain(label),
  ...(hint ? { hint: plain(hint, 150) } : {}),
  element: { type: 'plain_text_input' as const, action_id: 'value', multiline: true, max_length: max },
});

/** Asks the expert what the agent should tell the customer. */
export function resolveModal(issue: Issue): View {
  return issueForm(issue, RESOLVE_MODAL, 'Resolve', [
    textInput(NOTE_BLOCK, 'What should the agent tell the customer?', NOTE_MAX, 'The agent receives this word for word.'),
  ]);
}

/** Reroute: which team, and why (the new team and the agent read the reason). */
export function rerouteModal(issue: Issue, matrix: Matrix): View {
  const teams = Object.values(matrix.teams).filter((t) => t.key !== issue.team);
  return issueForm(issue, REROUTE_MODAL, 'Reroute', [
    {
      type: 'input',
      block_id: TEAM_BLOCK,
      label: plain('Send it to'),
      element: {
        type: 'static_select',
        action_id: 'value',
        placeholder: plain('Choose a team'),
        options: teams.slice(0, 100).map((t) => ({ text: plain(t.key), value: t.key })),
      },
    },
    textInput(REASON_BLOCK, 'Why does it belong there?', REASON_MAX),
    context('The acknowledgement target restarts for the new team. The resolution target keeps counting from filing.'),
  ]);
}

/** Reopen: the agent says what the customer still sees. */
export function reopenModal(issue: Issue): View {
  return issueForm(issue, REOPEN_MODAL, 'Reopen', [textInput(REASON_BLOCK, 'What does the customer still see?', REASON_MAX)]);
}

/** Waiting on the customer: what the agent should ask them (the agent gets it word for word). */
export function waitModal(issue: Issue): View {
  return issueForm(issue, WAIT_MODAL, 'Ask', [
    textInput(REASON_BLOCK, 'What should the agent ask the customer?', REASON_MAX, 'The agent is asked this word for word; the resolution clock pauses until they answer.'),
  ]);
}
