import { z } from 'zod';
import { SUMMARY_MAX, type Draft } from '../domain/quick-form.js';
import type { Matrix } from '../domain/routing/matrix.js';
import { CUSTOMER_REF_MAX, DETAILS_MAX, DIFFERENT_PROBLEM, FIELD, type EscalateMetadata } from './blocks/escalate-modal.js';
import type { SwarmChoice } from '../app/file-issue.js';
import { NOTE_BLOCK, NOTE_MAX } from './blocks/issue-forms.js';

/** Zod at the Slack boundary: every payload field the app relies on is checked here. */

/**
 * Control characters other than tab and newline, which people never mean to
 * type and Postgres cannot store (NUL) or Slack shows as garbage.
 */
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/g;
export const withoutControls = (text: string) => text.replace(CONTROL, '');

/** Text typed by a person, cleaned of control characters. */
export const typed = () => z.string().transform(withoutControls);

export const commandPayload = z.object({
  user_id: z.string().min(1),
  channel_id: z.string().min(1),
  trigger_id: z.string().min(1),
  response_url: z.url().optional(),
  text: typed().default(''),
});

export const issueButtonPayload = z.object({
  user: z.object({ id: z.string().min(1) }),
  trigger_id: z.string().min(1),
  actions: z.array(z.object({ value: z.coerce.number().int().positive(), action_ts: z.string().min(1) })).min(1),
});

/** A person's message: a reply in a thread, or a DM to the bot. Edits, joins and bots are not parsed. */
export const messageEvent = z.object({
  type: z.literal('message'),
  subtype: z.string().optional(),
  channel: z.string().min(1),
  channel_type: z.string().optional(),
  user: z.string().min(1),
  bot_id: z.string().optional(),
  text: typed(),
  ts: z.string().min(1),
  thread_ts: z.string().optional(),
});

export const reactionEvent = z.object({
  type: z.literal('reaction_added'),
  user: z.string().min(1),
  reaction: z.string(),
  item: z.object({ type: z.string(), channel: z.string().optional(), ts: z.string().optional() }),
});

export const viewPayload = z.object({
  user: z.object({ id: z.string().min(1) }),
  view: z.object({
    id: z.string().min(1),
    private_metadata: z.string().default(''),
    state: z.object({ values: z.record(z.string(), z.record(z.string(), z.unknown())) }),
  }),
});

type StateValues = Record<string, Record<string, unknown>>;

/** The submitted value of an input block: a selected option's value or typed text. */
function inputValue(values: StateValues, blockId: string): string | undefined {
  // Each input holds one element; most are `value`, a select that tells Frontline at once has its own id.
  const element = Object.values(values[blockId] ?? {})[0] as { value?: string | null; selected_option?: { value?: string } | null } | undefined;
  const raw = element?.selected_option?.value ?? element?.value ?? undefined;
  return typeof raw === 'string' ? withoutControls(raw) : undefined;
}

const trimmed = (max: number, label: string) =>
  z.string().trim().max(max, { error: `${label} can be at most ${max} characters.` });
const optionalText = (max: number, label: string) =>
  trimmed(max, label).optional().transform((v) => v || undefined);

function escalateFormSchema(matrix: Matrix) {
  const oneOf = (keys: string[], missing: string) =>
    z.string({ error: missing }).refine((v) => keys.includes(v), { error: 'That choice is no longer offered; pick another.' });
  return z.object({
    [FIELD.category]: oneOf(Object.keys(matrix.categories), 'Pick a category.'),
    [FIELD.level]: oneOf(Object.keys(matrix.levels), 'Pick a level.'),
    [FIELD.origin]: oneOf(matrix.origins, 'Say where the customer came from.'),
    [FIELD.summary]: trimmed(SUMMARY_MAX, 'The summary').min(1, { error: 'Write a one-line summary.' }),
    [FIELD.details]: optionalText(DETAILS_MAX, 'Details'),
    [FIELD.customerRef]: optionalText(CUSTOMER_REF_MAX, 'The customer reference'),
  });
}

export type EscalateForm = { category: string; level: string; origin: string; summary: string; details?: string; customerRef?: string };

/** Reads the escalation modal; problems come back keyed by block id, for `response_action: errors`. */
export function readEscalateForm(matrix: Matrix, values: StateValues): { ok: true; form: EscalateForm } | { ok: false; errors: Record<string, string> } {
  const raw = Object.fromEntries(Object.values(FIELD).map((id) => [id, inputValue(values, id)]));
  const parsed = escalateFormSchema(matrix).safeParse(raw);
  if (!parsed.success) {
    const errors: Record<string, string> = {};
    for (const issue of parsed.error.issues) errors[String(issue.path[0])] ??= issue.message;
    return { ok: false, errors };
  }
  const f = parsed.data;
  return {
    ok: true,
    form: {
      category: f[FIELD.category]!, level: f[FIELD.level]!, origin: f[FIELD.origin]!, summary: f[FIELD.summary]!,
      details: f[FIELD.details], customerRef: f[FIELD.customerRef],
    },
  };
}

/** The form as typed so far, unchecked: what a form rebuilt mid-way keeps. */
export function readDraft(values: StateValues): Draft {
  const field = (id: string) => inputValue(values, id) || undefined;
  return {
    category: field(FIELD.category), level: field(FIELD.level), origin: field(FIELD.origin),
    summary: field(FIELD.summary), details: field(FIELD.details), customerRef: field(FIELD.customerRef),
  };
}

/** A choice made inside an open form (`dispatch_action`): the form as it stands, to rebuild it. */
export const formActionPayload = z.object({
  user: z.object({ id: z.string().min(1) }),
  view: z.object({
    id: z.string().min(1),
    hash: z.string().optional(),
    private_metadata: z.string().default(''),
    state: z.object({ values: z.record(z.string(), z.record(z.string(), z.unknown())) }),
  }),
});

/** The people a praise escalation thanks, as chosen in the form (user ids only). */
export function readPraised(values: StateValues): string[] {
  const element = values[FIELD.praised]?.value as { selected_users?: unknown } | undefined;
  const users = z.array(z.string().regex(/^[UW][A-Z0-9]{2,}$/)).max(10).safeParse(element?.selected_users ?? []);
  return users.success ? users.data : [];
}

/** The agent's answer to "same problem?", when the form asked it. */
export function readSwarmChoice(values: StateValues): SwarmChoice | undefined {
  const value = inputValue(values, FIELD.swarm);
  if (value === DIFFERENT_PROBLEM) return 'separate';
  const same = /^same:(\d+)$/.exec(value ?? '');
  return same ? { parentId: Number(same[1]) } : undefined;
}

/** The value of a select the person chose, or undefined. */
export const readSelected = (values: StateValues, blockId: string): string | undefined => inputValue(values, blockId);

/** A required text input: trimmed, not empty, at most `max` characters. */
export function readText(values: StateValues, blockId: string, max: number, missing: string): { ok: true; text: string } | { ok: false; error: string } {
  const text = trimmed(max, 'This').min(1, { error: missing }).safeParse(inputValue(values, blockId) ?? '');
  return text.success ? { ok: true, text: text.data } : { ok: false, error: text.error.issues[0]!.message };
}

export function readResolveForm(values: StateValues): { ok: true; note: string } | { ok: false; errors: Record<string, string> } {
  const note = readText(values, NOTE_BLOCK, NOTE_MAX, 'Say what the agent should tell the customer.');
  return note.ok ? { ok: true, note: note.text } : { ok: false, errors: { [NOTE_BLOCK]: note.error } };
}

const escalateMetadata = z.object({
  responseUrl: z.url().optional(),
  channelId: z.string().optional(),
  shown: z.object({ category: z.string(), kb: z.boolean(), answers: z.array(z.string()) }).optional(),
});
const issueMetadata = z.object({ issueId: z.number().int().positive() });

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

export const readEscalateMetadata = (text: string): EscalateMetadata => escalateMetadata.safeParse(parseJson(text)).data ?? {};
/** The issue id that the resolve, reroute and reopen forms carry. */
export const readIssueMetadata = (text: string) => issueMetadata.safeParse(parseJson(text)).data;
