import { and, eq, isNull } from 'drizzle-orm';
import { appendEvent } from '../db/issue-store.js';
import { issues, type IssueRow } from '../db/schema.js';
import type { AppContext } from './context.js';

/**
 * An owner answered in the card's thread without claiming: the team has
 * responded, which the reports count, but nobody owns the issue yet.
 * Only the first such reply is recorded.
 */
export async function recordFirstResponse(ctx: AppContext, issue: IssueRow, userId: string): Promise<boolean> {
  const now = ctx.now();
  return ctx.db.transaction(async (tx) => {
    const updated = await tx
      .update(issues)
      .set({ firstResponseAt: now, updatedAt: now })
      .where(and(eq(issues.id, issue.id), isNull(issues.firstResponseAt), eq(issues.status, 'open')))
      .returning({ id: issues.id });
    if (updated.length === 0) return false;
    await appendEvent(tx, issue.id, 'first_response', userId, now);
    return true;
  });
}
