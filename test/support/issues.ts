import type { Change, Outcome } from '../../src/domain/issue/change.js';
import { newIssue, type Filing } from '../../src/domain/issue/filing.js';
import type { Issue, UnclaimedIssue } from '../../src/domain/issue/issue.js';
import type { Actor } from '../../src/domain/issue/rules.js';
import type { Matrix } from '../../src/domain/routing/matrix.js';
import { routeIssue } from '../../src/domain/routing/route-issue.js';

/** A freshly filed issue, as the database would hand it back, routed by `matrix`. */
export function filedIssue(matrix: Matrix, filedAt: Date, facts: Partial<Filing> = {}): UnclaimedIssue {
  const filing: Filing = {
    category: 'billing', level: 'medium', origin: 'phone', summary: 'Charged twice', details: null, customerRef: null,
    agentId: 'U0AGENT', agentChannel: null, responseUrl: null, ...facts,
  };
  return { ...newIssue(filing, routeIssue(matrix, filing, filedAt), filedAt), id: 7, key: 'ESC-7', clockFence: 0, parentId: null, reportCount: 0, outageAt: null };
}

/** The change a transition made; fails the test with the refusal's message if it refused. */
export function accepted<I extends Issue>(outcome: Outcome<I>): Change<I> {
  if (!outcome.ok) throw new Error(`refused (${outcome.code}): ${outcome.message}`);
  return outcome;
}

export const actor = (userId: string, isOwner = false, inChannel = false): Actor => ({ userId, isOwner, inChannel });

/**
 * The invariants each status promises beyond what TypeScript sees at run time:
 * no field of another status left behind by a spread.
 */
export function strayFields(issue: Issue): string[] {
  const allowed: Record<Issue['status'], string[]> = {
    unclaimed: [], claimed: ['claim'], waiting: ['claim', 'pause'], resolved: ['claim', 'resolution'],
  };
  return ['claim', 'pause', 'resolution'].filter((field) => field in issue && !allowed[issue.status].includes(field));
}
