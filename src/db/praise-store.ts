import { and, desc, eq, sql } from 'drizzle-orm';
import type { Db, Tx } from './client.js';
import { issueEvents, issues } from './schema.js';

/** Agents who already passed on a happy customer's thanks for this issue. */
export async function happyCustomerFrom(tx: Tx, issueId: number): Promise<string[]> {
  const rows = await tx.select({ actor: issueEvents.actor }).from(issueEvents)
    .where(and(eq(issueEvents.issueId, issueId), eq(issueEvents.type, 'praised'), sql`${issueEvents.details}->>'via' = 'happy_customer'`));
  return rows.map((r) => r.actor ?? '');
}

/**
 * Who last resolved an escalation for this customer: whom a praise escalation
 * that names nobody is most likely about.
 */
export async function lastResolverFor(db: Db | Tx, customerRef: string): Promise<string | undefined> {
  const [row] = await db.select({ by: issues.resolvedBy }).from(issues)
    .where(and(eq(issues.customerRef, customerRef), eq(issues.status, 'resolved'))).orderBy(desc(issues.resolvedAt)).limit(1);
  return row?.by ?? undefined;
}
