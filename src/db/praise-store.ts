import { and, desc, eq, isNull, notInArray, sql } from 'drizzle-orm';
import type { Db, Tx } from './client.js';
import { issueEvents, issues } from './schema.js';
import { statusIs } from './status-literal.js';

/** Agents who already passed on a happy customer's thanks for the issue's latest resolution (recorded after it). */
export async function happyCustomerFrom(tx: Tx, issueId: number): Promise<string[]> {
  const latest = sql`(select max(r.id) from issue_events r where r.issue_id = ${issueId} and r.type = 'resolved')`;
  const rows = await tx.select({ actor: issueEvents.actor }).from(issueEvents)
    .where(and(eq(issueEvents.issueId, issueId), eq(issueEvents.type, 'praised'), sql`${issueEvents.details}->>'via' = 'happy_customer'`,
      sql`${issueEvents.id} > ${latest}`));
  return rows.map((r) => r.actor ?? '');
}

/**
 * Who last resolved an escalation for this customer: whom a praise escalation
 * that names nobody is most likely about.
 */
export async function lastResolverFor(db: Db | Tx, customerRef: string, praiseCategories: string[]): Promise<string | undefined> {
  // An earlier praise card's closer is not the expert; a swarm's report was resolved by its parent's.
  const [row] = await db.select({ by: issues.resolvedBy }).from(issues)
    .where(and(eq(issues.customerRef, customerRef), statusIs(issues.status, 'resolved'), isNull(issues.parentId),
      praiseCategories.length ? notInArray(issues.category, praiseCategories) : undefined))
    .orderBy(desc(issues.resolvedAt)).limit(1);
  return row?.by ?? undefined;
}
