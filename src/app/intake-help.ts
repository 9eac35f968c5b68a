import { pastAnswers, recordDeflection } from '../db/intake-store.js';
import { requestSeen } from '../db/request-store.js';
import { named, type Matrix } from '../domain/routing/matrix.js';
import { routeOnly } from '../domain/routing/route-issue.js';
import { defaultOrigin, type Draft } from '../domain/quick-form.js';
import type { IntakeHelp } from '../slack/blocks/escalate-modal.js';
import { TIMED_OUT, within } from '../time-limit.js';
import type { AppContext } from './context.js';

/** Past answers shown in the form. */
const ANSWERS_SHOWN = 3;
/** The form must open within Slack's 3 seconds: help that takes longer is left out, not waited for. */
const HELP_BUDGET_MS = 1000;

/**
 * The help the form shows for a category: its knowledge-base article and up to
 * three past answers like what the agent typed. Undefined for an unknown category;
 * past answers are left out if the database is slow or failing.
 */
export async function intakeHelp(ctx: AppContext, category: string | undefined, text: string | undefined): Promise<IntakeHelp | undefined> {
  const chosen = category ? named(ctx.matrix.categories, category) : undefined;
  if (!chosen) return undefined;
  if (chosen.praise) return { category: chosen, answers: [] };
  const answers = await within(pastAnswers(ctx.db, chosen.key, text, ctx.now(), ANSWERS_SHOWN), HELP_BUDGET_MS).catch((error: unknown) => {
    ctx.log.warn({ err: error }, 'could not read past answers for the form');
    return [];
  });
  return { category: chosen, answers: answers === TIMED_OUT ? [] : answers };
}

/** The category's article alone, with no database read: for a form rebuilt when little of Slack's 3 seconds is left. */
export function articleOnly(ctx: AppContext, category: string): IntakeHelp | undefined {
  const chosen = named(ctx.matrix.categories, category);
  return chosen && { category: chosen, answers: [] };
}

/**
 * An agent closed the form after it showed help: a deflection, counted once per
 * form. Forms closed before any help was shown count for nothing.
 */
export async function countDeflection(
  ctx: AppContext, close: { viewId: string; userId: string; shown?: { category: string; kb: boolean; answers: string[] }; draft: Draft },
): Promise<boolean> {
  const { shown } = close;
  if (!shown || (!shown.kb && shown.answers.length === 0) || !named(ctx.matrix.categories, shown.category)) return false;
  // A form that filed (an answer too late to close it, say) is an escalation, not a deflection.
  if (await requestSeen(ctx.db, `view:${close.viewId}`)) return false;
  const team = wouldGoTo(ctx.matrix, shown.category, close.draft);
  const counted = await recordDeflection(ctx.db, { viewId: close.viewId, userId: close.userId, category: shown.category, team, shown: { kb: shown.kb, answers: shown.answers }, at: ctx.now() });
  if (counted) {
    ctx.countDeflection?.(shown.category);
    ctx.log.info({ category: shown.category, user: close.userId, answers: shown.answers }, 'escalation deflected: form closed after its help');
  }
  return counted;
}

/**
 * The team a closed form would have escalated to: routed from what it held, with
 * the easiest level and the `other` origin (or the first) for what was left empty.
 */
function wouldGoTo(matrix: Matrix, category: string, draft: Draft): string {
  const level = draft.level && named(matrix.levels, draft.level) ? draft.level : Object.keys(matrix.levels)[0]!;
  const origin = draft.origin && matrix.origins.includes(draft.origin) ? draft.origin : defaultOrigin(matrix);
  return routeOnly(matrix, { category, level, origin, summary: draft.summary ?? '', details: draft.details ?? null }).team.key;
}
