import type { View } from '@slack/types';
import { formatDuration } from '../../domain/durations.js';
import type { Issue } from '../../domain/issue/issue.js';
import { escapeMrkdwn, mentionChannel, safeText } from '../../domain/mrkdwn.js';
import { SUMMARY_MAX, type Draft } from '../../domain/quick-form.js';
import type { Category, Level, Matrix } from '../../domain/routing/matrix.js';
import { ANSWERS_WINDOW_DAYS, type PastAnswer } from '../../db/intake-store.js';
import { context, plain, quote, section, type Blocks } from './kit.js';

export const ESCALATE_MODAL = 'escalate_modal';
export const DETAILS_MAX = 3000;
export const CUSTOMER_REF_MAX = 200;

/** Block ids of the modal's inputs: the keys of `response_action: errors`. */
export const FIELD = {
  category: 'category',
  level: 'level',
  origin: 'origin',
  summary: 'summary',
  details: 'details',
  customerRef: 'customer_ref',
  /** Shown only when the escalation looks like an open one: same problem, or not. */
  swarm: 'swarm_choice',
  /** Shown only for a praise category: the experts the customer thanked. */
  praised: 'praised',
} as const;

/** The category select tells Frontline at once, so the form can show that category's help. */
export const CATEGORY_CHOSEN = 'escalate_category';

/** The open issue this escalation resembles, as the form shows it. */
export interface OfferedMatch {
  parent: Issue;
  customers: number;
}

/** The agent's answer to "same problem?": link to this parent, or file on its own. */
export const SAME_PROBLEM = (parentId: number) => `same:${parentId}`;
export const DIFFERENT_PROBLEM = 'different';

export interface EscalateMetadata {
  responseUrl?: string;
  channelId?: string;
  /** What help the form shows now: closing it after this counts as a deflection. */
  shown?: { category: string; kb: boolean; answers: string[] };
}

/** What the form shows for the chosen category: its knowledge-base article and past answers. */
export interface IntakeHelp {
  category: Category;
  answers: PastAnswer[];
}

const option = (text: string, value: string, description?: string) => ({
  text: plain(text),
  value,
  ...(description ? { description: plain(description) } : {}),
});

export function levelTargets(level: Level): string {
  const calendar = level.calendar === 'always' ? '24x7' : `${level.calendar} hours`;
  return `Acknowledge within ${formatDuration(level.ack)}, resolve within ${formatDuration(level.resolve)} (${calendar})`;
}

/** The chosen category's article and past answers, then (for praise) whom the customer thanked. */
function helpBlocks({ category, answers }: IntakeHelp): Blocks {
  const blocks: Blocks = [];
  if (category.kb) blocks.push(context(`:books: Before escalating, check <${category.kb}|the ${escapeMrkdwn(category.label)} article>.`));
  if (answers.length) {
    const lines = answers.map((a) => `${a.cardUrl ? `<${a.cardUrl}|${a.key}>` : a.key} ${safeText(a.summary, 150)}\n${quote(safeText(a.resolution, 400))}`);
    blocks.push(section(`:bulb: *This was answered before* (last ${ANSWERS_WINDOW_DAYS} days):\n${lines.join('\n')}`));
  }
  if (category.praise) {
    blocks.push({
      type: 'input',
      block_id: FIELD.praised,
      optional: true,
      label: plain('Who did the customer thank?'),
      hint: plain('They get a DM, and the praise shows in the digest.'),
      element: { type: 'multi_users_select', action_id: 'value', placeholder: plain('Choose people'), max_selected_items: 10 },
    });
  }
  return blocks;
}

/** What `helpBlocks` showed, for the form's metadata. */
export const shownBy = (help: IntakeHelp | undefined): EscalateMetadata['shown'] =>
  help && { category: help.category.key, kb: !!help.category.kb, answers: help.answers.map((a) => a.key) };

const select = (id: string, label: string, options: ReturnType<typeof option>[], initial?: string, dispatchAs?: string) => ({
  type: 'input' as const,
  block_id: id,
  label: plain(label),
  ...(dispatchAs ? { dispatch_action: true } : {}),
  element: {
    type: 'static_select' as const,
    action_id: dispatchAs ?? 'value',
    placeholder: plain(`Choose ${label.toLowerCase()}`),
    options: options.slice(0, 100),
    ...(initial ? { initial_option: options.find((o) => o.value === initial) } : {}),
  },
});

const textInput = (id: string, label: string, opts: { max: number; optional?: boolean; multiline?: boolean; initial?: string; hint?: string }) => ({
  type: 'input' as const,
  block_id: id,
  optional: opts.optional ?? false,
  label: plain(label),
  ...(opts.hint ? { hint: plain(opts.hint, 150) } : {}),
  element: {
    type: 'plain_text_input' as const,
    action_id: 'value',
    multiline: opts.multiline ?? false,
    max_length: opts.max,
    ...(opts.initial ? { initial_value: opts.initial.slice(0, opts.max) } : {}),
  },
});

/** "Same problem?": the likely match, and the agent's choice, required before the form files anything. */
function matchBlocks({ parent, customers }: OfferedMatch): Blocks {
  const link = parent.card?.url ? ` <${parent.card.url}|View the card>` : '';
  return [
    section(`:link: *This looks like ${parent.key}*, open in ${mentionChannel(parent.channel)} (${customers} customer${customers === 1 ? '' : 's'} so far):\n>${safeText(parent.summary, 300)}${link}`),
    {
      type: 'input',
      block_id: FIELD.swarm,
      label: plain('Is it the same problem?'),
      element: {
        type: 'radio_buttons',
        action_id: 'value',
        options: [
          option(`Same problem: add my customer to ${parent.key}`, SAME_PROBLEM(parent.id), 'No new card; you hear back when it is resolved.'),
          option('Different problem', DIFFERENT_PROBLEM, 'File it on its own, with its own card.'),
        ],
      },
    },
  ];
}

/**
 * The escalation form, prefilled with whatever the quick form understood (or the
 * agent typed), the chosen category's help, and a likely match to confirm.
 */
export function escalateModal(matrix: Matrix, draft: Draft, notes: string[], metadata: EscalateMetadata, match?: OfferedMatch, help?: IntakeHelp): View {
  const levels = Object.values(matrix.levels).map((l) => option(l.label, l.key, levelTargets(l)));
  const blocks: Blocks = match ? matchBlocks(match) : [];
  if (notes.length) blocks.push(context(...notes.map((n) => `:warning: ${escapeMrkdwn(n)}`)));
  blocks.push(select(FIELD.category, 'Category', Object.values(matrix.categories).map((c) => option(c.label, c.key)), draft.category, CATEGORY_CHOSEN));
  if (help) blocks.push(...helpBlocks(help));
  blocks.push({
    type: 'input',
    block_id: FIELD.level,
    label: plain('Level'),
    element: {
      type: 'radio_buttons',
      action_id: 'value',
      options: levels,
      ...(draft.level ? { initial_option: levels.find((o) => o.value === draft.level) } : {}),
    },
  });
  blocks.push(select(FIELD.origin, 'Where the customer came from', matrix.origins.map((o) => option(o, o)), draft.origin));
  blocks.push(textInput(FIELD.summary, 'Summary', { max: SUMMARY_MAX, initial: draft.summary, hint: `One line, at most ${SUMMARY_MAX} characters.` }));
  blocks.push(textInput(FIELD.details, 'Details', { max: DETAILS_MAX, optional: true, multiline: true, initial: draft.details }));
  blocks.push(textInput(FIELD.customerRef, 'Customer reference', { max: CUSTOMER_REF_MAX, optional: true, initial: draft.customerRef, hint: 'Account, order or ticket number.' }));
  return {
    type: 'modal',
    callback_id: ESCALATE_MODAL,
    title: plain('Escalate an issue', 24),
    submit: plain('Escalate', 24),
    close: plain('Cancel', 24),
    // Closing the form after its help was shown is how a deflection is counted.
    notify_on_close: true,
    private_metadata: JSON.stringify({ ...metadata, shown: shownBy(help) }),
    blocks,
  };
}
