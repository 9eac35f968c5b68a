import { sql } from 'drizzle-orm';
import { bigint, bigserial, boolean, index, integer, jsonb, pgTable, serial, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import type { IssueSnapshot } from '../domain/routing/route-issue.js';
import type { IssueStatus } from '../domain/issue-rules.js';

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
    status: text('status').$type<IssueStatus>().notNull().default('open'),
    resolution: text('resolution'),
    /** The last permanent Slack error met while posting the card, shown to the agent. */
    postError: text('post_error'),
    snapshot: jsonb('snapshot').$type<IssueSnapshot>().notNull(),
    filedAt: at('filed_at').notNull(),
    ackDueAt: at('ack_due_at').notNull(),
    resolveDueAt: at('resolve_due_at').notNull(),
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
    /** Business time (open time on the issue's calendar) to acknowledge and to resolve, paused time excluded. */
    ackBusinessMs: bigint('ack_business_ms', { mode: 'number' }),
    resolveBusinessMs: bigint('resolve_business_ms', { mode: 'number' }),
    pausedOpenMs: bigint('paused_open_ms', { mode: 'number' }).notNull().default(0),
    /** Bumped whenever the issue's timers are replanned: a timer from an older plan does nothing. */
    clockFence: integer('clock_fence').notNull().default(0),
    updatedAt: at('updated_at').notNull(),
  },
  (t) => [
    uniqueIndex('issues_key_idx').on(t.key),
    index('issues_status_idx').on(t.status),
    index('issues_team_filed_idx').on(t.team, t.filedAt),
    // Digests count what was claimed and resolved in a period.
    index('issues_claimed_at_idx').on(t.claimedAt),
    index('issues_resolved_at_idx').on(t.resolvedAt),
    index('issues_agent_idx').on(t.agentId),
    index('issues_claimer_idx').on(t.claimerId, t.status),
    index('issues_team_status_idx').on(t.team, t.status),
    uniqueIndex('issues_card_idx').on(t.channel, t.cardTs),
  ],
);

/** Append-only: who did what to an issue, and when. Never updated, never deleted. */
export const issueEvents = pgTable(
  'issue_events',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    issueId: integer('issue_id').notNull().references(() => issues.id),
    type: text('type').notNull(),
    actor: text('actor'),
    at: at('at').notNull(),
    details: jsonb('details').$type<Record<string, unknown>>().notNull().default({}),
  },
  (t) => [index('issue_events_issue_idx').on(t.issueId, t.id), index('issue_events_type_at_idx').on(t.type, t.at)],
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
    /** Messages in one lane (a channel) go out in order. */
    lane: text('lane').notNull(),
    status: text('status').$type<OutboxStatus>().notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    availableAt: at('available_at').notNull(),
    lockedUntil: at('locked_until'),
    lastError: text('last_error'),
    createdAt: at('created_at').notNull(),
    sentAt: at('sent_at'),
  },
  (t) => [index('outbox_due_idx').on(t.status, t.availableAt), index('outbox_lane_idx').on(t.lane, t.id)],
);

export type IssueRow = typeof issues.$inferSelect;
export type OutboxRow = typeof outbox.$inferSelect;
