import { sql } from 'drizzle-orm';
import { bigint, bigserial, boolean, check, index, integer, jsonb, pgTable, serial, text, timestamp, uniqueIndex, type AnyPgColumn } from 'drizzle-orm/pg-core';
import type { IssueSnapshot } from '../domain/routing/route-issue.js';
import type { EventType } from '../domain/issue/events.js';
import type { IssueStatus } from '../domain/issue/issue.js';

const at = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

export const issues = pgTable(
  'issues',
  {
    id: serial('id').primaryKey(),
    key: text('key').generatedAlwaysAs(sql`'ESC-' || id`).notNull(),
    category: text('category').notNull(),
    level: text('level').notNull(),
    origin: text('origin').notNull(),
    team: text('team').notNull(),
    channel: text('channel').notNull(),
    cardTs: text('card_ts'),
    cardUrl: text('card_url'),
    summary: text('summary').notNull(),
    details: text('details'),
    customerRef: text('customer_ref'),
    agentId: text('agent_id').notNull(),
    /** Where the agent typed /escalate, and the response_url Slack gave us there (valid 30 minutes). */
    agentChannel: text('agent_channel'),
    responseUrl: text('response_url'),
    claimerId: text('claimer_id'),
    status: text('status').$type<IssueStatus>().notNull().default('unclaimed'),
    resolution: text('resolution'),
    /** The last permanent Slack error met while posting in the team channel, shown to the agent. */
    postError: text('post_error'),
    snapshot: jsonb('snapshot').$type<IssueSnapshot>().notNull(),
    filedAt: at('filed_at').notNull(),
    ackDueAt: at('ack_due_at').notNull(),
    resolveDueAt: at('resolve_due_at').notNull(),
    /** Filing, or the latest reopen: time to resolve is measured from here. */
    resolveStartedAt: at('resolve_started_at').notNull(),
    claimedAt: at('claimed_at'),
    resolvedAt: at('resolved_at'),
    resolvedBy: text('resolved_by'),
    /** When the acknowledgement clock last started: filing, an unclaim or a reroute. */
    ackStartedAt: at('ack_started_at').notNull(),
    /** The first reply in the card's thread by an owner who did not claim. */
    firstResponseAt: at('first_response_at'),
    /** Waiting on the customer since; the resolution clock is paused meanwhile. */
    pausedAt: at('paused_at'),
    /** Open time left on the resolution target when the clock was paused. */
    resolveRemainingMs: bigint('resolve_remaining_ms', { mode: 'number' }),
    /** Wall-clock time spent waiting on the customer, over the issue's whole life. */
    pausedMs: bigint('paused_ms', { mode: 'number' }).notNull().default(0),
    reopenCount: integer('reopen_count').notNull().default(0),
    rerouteCount: integer('reroute_count').notNull().default(0),
    /** The resolution target in open time, from filing (or reopening); pauses move the due date, not this. */
    resolveTargetMs: bigint('resolve_target_ms', { mode: 'number' }).notNull(),
    /** Reminders sent and escalation tiers notified for the running targets. */
    ackNudgesSent: integer('ack_nudges_sent').notNull().default(0),
    resolveNudgesSent: integer('resolve_nudges_sent').notNull().default(0),
    ackTier: integer('ack_tier').notNull().default(0),
    resolveTier: integer('resolve_tier').notNull().default(0),
    /** Open time spent waiting on the customer since resolve_started_at; time to resolve leaves it out. */
    pausedOpenMs: bigint('paused_open_ms', { mode: 'number' }).notNull().default(0),
    /** Bumped whenever the issue's timers are replanned: a timer from an older plan does nothing. */
    clockFence: integer('clock_fence').notNull().default(0),
    /** A report of a swarm: the parent issue it was linked to. Its own card, clocks and timers stand still. */
    parentId: integer('parent_id').references((): AnyPgColumn => issues.id),
    /** On a parent: reports linked to it now. */
    reportCount: integer('report_count').notNull().default(0),
    /** On a parent: when its reports crossed the team's outage threshold. */
    outageAt: at('outage_at'),
    updatedAt: at('updated_at').notNull(),
  },
  (t) => [
    uniqueIndex('issues_key_idx').on(t.key),
    index('issues_status_idx').on(t.status),
    index('issues_team_filed_idx').on(t.team, t.filedAt),
    index('issues_agent_idx').on(t.agentId),
    index('issues_claimer_idx').on(t.claimerId, t.status),
    // The unclaimed queue and the overdue list, most urgent first, read without touching resolved issues.
    index('issues_unclaimed_due_idx').on(t.ackDueAt).where(sql`${t.status} = 'unclaimed'`),
    index('issues_claimed_due_idx').on(t.resolveDueAt).where(sql`${t.status} = 'claimed'`),
    index('issues_open_team_idx').on(t.team, t.status, t.ackDueAt, t.resolveDueAt).where(sql`${t.status} <> 'resolved'`),
    uniqueIndex('issues_card_idx').on(t.channel, t.cardTs),
    index('issues_parent_idx').on(t.parentId).where(sql`${t.parentId} is not null`),
    // Past answers shown while an agent fills in the form: a category's recent resolutions.
    index('issues_answers_idx').on(t.category, t.resolvedAt).where(sql`${t.status} = 'resolved' and ${t.parentId} is null`),
    // Whom a praise escalation thanks when it names nobody: the customer's latest resolution.
    index('issues_customer_resolved_idx').on(t.customerRef, t.resolvedAt).where(sql`${t.status} = 'resolved'`),
    // The invariants of src/domain/issue/issue.ts, so that no writer can break them.
    check('issues_status_known', sql`${t.status} in ('unclaimed', 'claimed', 'waiting', 'resolved')`),
    check('issues_claimed_has_claimer', sql`(${t.status} = 'unclaimed') = (${t.claimerId} is null) and (${t.claimerId} is null) = (${t.claimedAt} is null)`),
    check('issues_waiting_has_pause', sql`(${t.status} = 'waiting') = (${t.pausedAt} is not null) and (${t.pausedAt} is null) = (${t.resolveRemainingMs} is null)`),
    check('issues_report_has_no_reports', sql`${t.parentId} is null or ${t.reportCount} = 0`),
    check('issues_resolved_has_resolution', sql`(${t.status} = 'resolved') = (${t.resolvedAt} is not null) and (${t.resolvedAt} is null) = (${t.resolvedBy} is null) and (${t.resolvedAt} is null) = (${t.resolution} is null)`),
  ],
);

/** Append-only: who did what to an issue, and when. Never updated, never deleted. */
export const issueEvents = pgTable(
  'issue_events',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    issueId: integer('issue_id').notNull().references(() => issues.id),
    type: text('type').$type<EventType>().notNull(),
    actor: text('actor'),
    /**
     * What reports break figures down by, as they were when it happened: the
     * team that had the issue, and the issue's category, level in force and
     * origin (which never change). Reports then read events without joining issues.
     */
    team: text('team').notNull(),
    category: text('category').notNull(),
    level: text('level').notNull(),
    origin: text('origin').notNull(),
    at: at('at').notNull(),
    details: jsonb('details').$type<Record<string, unknown>>().notNull().default({}),
  },
  (t) => [index('issue_events_issue_idx').on(t.issueId, t.id), index('issue_events_type_at_idx').on(t.type, t.at, t.team)],
);

/** One row per request Slack may send twice (retries, double clicks): the second finds the first's result. */
export const idempotencyKeys = pgTable('idempotency_keys', {
  key: text('key').primaryKey(),
  issueId: integer('issue_id').references(() => issues.id),
  createdAt: at('created_at').notNull(),
});

/**
 * One row per digest and scheduled slot: inserting it claims the slot, so each
 * slot is sent once across any number of instances.
 */
export const digestSlots = pgTable(
  'digest_slots',
  {
    digest: text('digest').notNull(),
    slotAt: at('slot_at').notNull(),
    /** False for the slot recorded when a digest is first seen: the schedule starts from there. */
    sent: boolean('sent').notNull(),
    late: boolean('late').notNull().default(false),
    claimedAt: at('claimed_at').notNull(),
  },
  (t) => [uniqueIndex('digest_slots_key').on(t.digest, t.slotAt)],
);

export type TimerStatus = 'pending' | 'done' | 'cancelled';

/**
 * Every reminder and escalation tier an issue is due, planned from its snapshot.
 * Claimed by the sweeper with FOR UPDATE SKIP LOCKED and a lease, so each fires once
 * across instances; `fence` must match the issue's clock_fence when it fires.
 */
export const timers = pgTable(
  'timers',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    issueId: integer('issue_id').notNull().references(() => issues.id),
    kind: text('kind').$type<'nudge' | 'tier'>().notNull(),
    target: text('target').$type<'ack' | 'resolve'>().notNull(),
    step: integer('step').notNull(),
    dueAt: at('due_at').notNull(),
    fence: integer('fence').notNull(),
    status: text('status').$type<TimerStatus>().notNull().default('pending'),
    lockedUntil: at('locked_until'),
    firedAt: at('fired_at'),
  },
  (t) => [index('timers_due_idx').on(t.status, t.dueAt), index('timers_issue_idx').on(t.issueId, t.status)],
);

export type TimerRow = typeof timers.$inferSelect;

export type OutboxStatus = 'pending' | 'sent' | 'failed';

/**
 * Slack messages waiting to be sent. Written in the same transaction as the change
 * they report, sent after commit, so a crash or a Slack outage loses nothing.
 */
export const outbox = pgTable(
  'outbox',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    issueId: integer('issue_id').references(() => issues.id),
    kind: text('kind').notNull(),
    payload: jsonb('payload').$type<Record<string, unknown>>().notNull().default({}),
    /** Messages in one lane (a channel, or one person's DMs) go out in order. */
    lane: text('lane').notNull(),
    status: text('status').$type<OutboxStatus>().notNull().default('pending'),
    /** Sends started; after one whose outcome is unknown, the next looks before posting again. */
    attempts: integer('attempts').notNull().default(0),
    /** Transient failures in a row (rate limits are waits, not failures); given up 24 hours after the first. */
    failures: integer('failures').notNull().default(0),
    firstFailedAt: at('first_failed_at'),
    availableAt: at('available_at').notNull(),
    lastError: text('last_error'),
    createdAt: at('created_at').notNull(),
    sentAt: at('sent_at'),
    /** When the message was given up on (status failed), and reported to a person. */
    failedAt: at('failed_at'),
  },
  (t) => [
    // The head of a lane, whatever the backlog: the next pending message by id.
    index('outbox_lane_pending_idx').on(t.lane, t.id).where(sql`${t.status} = 'pending'`),
    index('outbox_failed_idx').on(t.failedAt).where(sql`${t.status} = 'failed'`),
  ],
);

/**
 * One row per lane that has ever had a message. A lane with something to send
 * has `available_at` set (when its head may go); a sender claims the lane with
 * FOR UPDATE SKIP LOCKED and a lease, and sends its messages one by one.
 * `version` goes up with every message queued, so a sender that found the lane
 * empty can tell whether something arrived meanwhile.
 */
export const outboxLanes = pgTable(
  'outbox_lanes',
  {
    lane: text('lane').primaryKey(),
    availableAt: at('available_at'),
    lockedUntil: at('locked_until'),
    version: bigint('version', { mode: 'number' }).notNull().default(0),
  },
  (t) => [index('outbox_lanes_due_idx').on(t.availableAt).where(sql`${t.availableAt} is not null`)],
);

/** Daily jobs (retention), one row per job and UTC day: inserting it claims that day's run across instances. */
export const dailyJobs = pgTable('daily_jobs', {
  job: text('job').notNull(),
  day: text('day').notNull(),
  ranAt: at('ran_at').notNull(),
}, (t) => [uniqueIndex('daily_jobs_key').on(t.job, t.day)]);

/**
 * An agent who closed the escalation form after it showed the category's
 * knowledge-base article or past answers: an escalation the front line did not need.
 * One row per form (its view id), however often Slack repeats the close.
 */
export const deflections = pgTable('deflections', {
  viewId: text('view_id').primaryKey(),
  category: text('category').notNull(),
  /** The team the form would have escalated to, routed from what it held when closed: whose digests count it. */
  team: text('team').notNull(),
  userId: text('user_id').notNull(),
  /** What the form showed when it was closed: the article, and the keys of the past answers. */
  shown: jsonb('shown').$type<{ kb: boolean; answers: string[] }>().notNull(),
  at: at('at').notNull(),
}, (t) => [index('deflections_at_idx').on(t.at, t.team)]);

export type IssueRow = typeof issues.$inferSelect;
export type OutboxRow = typeof outbox.$inferSelect;
