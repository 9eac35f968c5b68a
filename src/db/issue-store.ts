import { and, eq, inArray, isNull, sql } from 'drizzle-orm';
import type { IssueEvent } from '../domain/issue/events.js';
import type { NewIssue } from '../domain/issue/filing.js';
import type { Issue, PostedCard } from '../domain/issue/issue.js';
import type { Db, Tx } from './client.js';
import { issueEvents, issues, type IssueRow } from './schema.js';

/**
 * Issues as the domain sees them (src/domain/issue/issue.ts), stored as one
 * row each. The row's check constraints hold the same invariants as the type,
 * so a row always reads back as a valid issue.
 */

type IssueColumns = Omit<typeof issues.$inferInsert, 'id' | 'key'>;

/** The stored row of an issue: every field, so that saving writes the whole state. */
function columnsOf(issue: NewIssue | Issue, now: Date): IssueColumns {
  return {
    category: issue.category,
    level: issue.level,
    origin: issue.origin,
    team: issue.team,
    channel: issue.channel,
    cardTs: issue.card?.ts ?? null,
    cardUrl: issue.card?.url ?? null,
    summary: issue.summary,
    details: issue.details,
    customerRef: issue.customerRef,
    agentId: issue.agentId,
    agentChannel: issue.agentChannel,
    responseUrl: issue.responseUrl,
    status: issue.status,
    claimerId: issue.claim?.by ?? null,
    claimedAt: issue.claim?.at ?? null,
    pausedAt: issue.pause?.since ?? null,
    resolveRemainingMs: issue.pause?.remainingMs ?? null,
    resolution: issue.resolution?.note ?? null,
    resolvedAt: issue.resolution?.at ?? null,
    resolvedBy: issue.resolution?.by ?? null,
    postError: issue.postError,
    snapshot: issue.snapshot,
    filedAt: issue.filedAt,
    ackStartedAt: issue.ack.startedAt,
    ackDueAt: issue.ack.dueAt,
    ackNudgesSent: issue.ack.nudgesSent,
    ackTier: issue.ack.tier,
    resolveStartedAt: issue.resolve.startedAt,
    resolveDueAt: issue.resolve.dueAt,
    resolveTargetMs: issue.resolve.targetMs,
    pausedOpenMs: issue.resolve.pausedOpenMs,
    resolveNudgesSent: issue.resolve.nudgesSent,
    resolveTier: issue.resolve.tier,
    pausedMs: issue.pausedMs,
    firstResponseAt: issue.firstResponseAt,
    reopenCount: issue.reopenCount,
    rerouteCount: issue.rerouteCount,
    ...('parentId' in issue ? { parentId: issue.parentId, reportCount: issue.reportCount, outageAt: issue.outageAt } : {}),
    updatedAt: now,
  };
}

/** Reads a row as an issue; the status decides which of its fields exist. */
export function toIssue(row: IssueRow): Issue {
  const base = {
    id: row.id,
    key: row.key,
    category: row.category,
    level: row.level,
    origin: row.origin,
    summary: row.summary,
    details: row.details,
    customerRef: row.customerRef,
    agentId: row.agentId,
    agentChannel: row.agentChannel,
    responseUrl: row.responseUrl,
    team: row.team,
    channel: row.channel,
    card: row.cardTs ? { ts: row.cardTs, url: row.cardUrl } : null,
    postError: row.postError,
    snapshot: row.snapshot,
    filedAt: row.filedAt,
    ack: { startedAt: row.ackStartedAt, dueAt: row.ackDueAt, nudgesSent: row.ackNudgesSent, tier: row.ackTier },
    resolve: {
      startedAt: row.resolveStartedAt, dueAt: row.resolveDueAt, targetMs: row.resolveTargetMs, pausedOpenMs: row.pausedOpenMs,
      nudgesSent: row.resolveNudgesSent, tier: row.resolveTier,
    },
    pausedMs: row.pausedMs,
    firstResponseAt: row.firstResponseAt,
    reopenCount: row.reopenCount,
    rerouteCount: row.rerouteCount,
    clockFence: row.clockFence,
    parentId: row.parentId,
    reportCount: row.reportCount,
    outageAt: row.outageAt,
  };
  // The table's check constraints guarantee the fields each status needs.
  const claim = row.claimerId ? { by: row.claimerId, at: row.claimedAt! } : undefined;
  switch (row.status) {
    case 'unclaimed':
      return { ...base, status: 'unclaimed' };
    case 'claimed':
      return { ...base, status: 'claimed', claim: claim! };
    case 'waiting':
      return { ...base, status: 'waiting', claim: claim!, pause: { since: row.pausedAt!, remainingMs: row.resolveRemainingMs! } };
    case 'resolved':
      return { ...base, status: 'resolved', claim: claim!, resolution: { by: row.resolvedBy!, at: row.resolvedAt!, note: row.resolution! } };
  }
}

/**
 * Numbered by the issues' sequence, unless given an `id` (a rehearsal's, which
 * never commits). Both ways are one SQL text, so that a rehearsal prepares the
 * very statement filings run.
 */
export async function insertIssue(tx: Tx, issue: NewIssue, now: Date, id?: number): Promise<Issue> {
  const [row] = await tx.insert(issues).values({ ...columnsOf(issue, now), id: sql`coalesce(${id ?? null}::integer, nextval('issues_id_seq'))` }).returning();
  return toIssue(row!);
}

/** Writes the issue's whole state, as a transition left it. */
export async function saveIssue(tx: Tx, issue: Issue, now: Date): Promise<Issue> {
  const [row] = await tx.update(issues).set({ ...columnsOf(issue, now), clockFence: issue.clockFence }).where(eq(issues.id, issue.id)).returning();
  return toIssue(row!);
}

/**
 * Records the issue's posted card, touching nothing else: no row lock is needed
 * to read the issue first, and a change made meanwhile (a claim) is kept.
 * Nothing when the issue has left that channel since (a reroute): its new
 * channel's card is posted by its own message.
 */
export async function setCard(tx: Tx, id: number, channel: string, card: PostedCard, now: Date): Promise<Issue | undefined> {
  const [row] = await tx.update(issues).set({ cardTs: card.ts, cardUrl: card.url, postError: null, updatedAt: now })
    .where(and(eq(issues.id, id), eq(issues.channel, channel), isNull(issues.cardTs))).returning();
  return row && toIssue(row);
}

export async function findIssue(db: Db | Tx, id: number): Promise<Issue | undefined> {
  const [row] = await db.select().from(issues).where(eq(issues.id, id));
  return row && toIssue(row);
}

/** Several issues by id, in one round trip. */
export async function findIssues(db: Db | Tx, ids: number[]): Promise<Map<number, Issue>> {
  if (ids.length === 0) return new Map();
  const rows = await db.select().from(issues).where(inArray(issues.id, ids));
  return new Map(rows.map((row) => [row.id, toIssue(row)]));
}

/** Locks the issue row for the rest of the transaction, so concurrent changes to one issue serialise. */
export async function lockIssue(tx: Tx, id: number): Promise<Issue | undefined> {
  const [row] = await tx.select().from(issues).where(eq(issues.id, id)).for('update');
  return row && toIssue(row);
}

/** Appends what happened, each event marked with what reports group it by (see the schema). */
export async function appendEvents(tx: Tx, issue: Issue, events: IssueEvent[], now: Date): Promise<void> {
  if (events.length === 0) return;
  const { id: issueId, team, category, level, origin } = issue;
  await tx.insert(issueEvents).values(events.map((e) => ({ issueId, team, category, level, origin, type: e.type, actor: e.actor, at: now, details: e.details })));
}

export async function eventsOf(db: Db, issueId: number) {
  return db.select().from(issueEvents).where(eq(issueEvents.issueId, issueId)).orderBy(issueEvents.id);
}
