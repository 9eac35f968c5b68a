import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { IssueEvent } from './domain/issue/events.js';
import type { Issue } from './domain/issue/issue.js';
import { VERSION } from './version.js';
import type { Db } from './db/client.js';
import { countByStatus } from './db/issue-queries.js';
import { openSwarms } from './db/swarm-store.js';
import { failedCounts, oldestDue, pendingCount } from './db/outbox-store.js';
import { countDueTimers } from './db/timer-store.js';
import type { IssueStatus } from './domain/issue/issue.js';

const STATUSES: IssueStatus[] = ['unclaimed', 'claimed', 'waiting', 'resolved'];

export type SendResult = 'sent' | 'retried' | 'failed';

/**
 * Prometheus metrics for GET /metrics. Gauges are read from the database when
 * scraped, so every instance reports the shared state; counters are per instance.
 */
export function createMetrics(db: Db, now: () => Date) {
  const registry = new Registry();
  new Gauge({
    name: 'frontline_issues',
    help: 'Issues by status',
    labelNames: ['status'],
    registers: [registry],
    async collect() {
      const rows = await countByStatus(db);
      this.reset();
      for (const status of STATUSES) this.set({ status }, rows.find((r) => r.status === status)?.n ?? 0);
    },
  });
  new Gauge({
    name: 'frontline_timers_due',
    help: 'Reminders and escalations due but not yet fired',
    registers: [registry],
    async collect() {
      this.set(await countDueTimers(db, now()));
    },
  });
  new Gauge({
    name: 'frontline_outbox_pending',
    help: 'Slack messages waiting to be sent',
    registers: [registry],
    async collect() {
      this.set(await pendingCount(db));
    },
  });
  new Gauge({
    name: 'frontline_outbox_failed',
    help: 'Slack messages given up on (each was reported to a person); `frontline outbox` lists them',
    labelNames: ['kind'],
    registers: [registry],
    async collect() {
      this.reset();
      for (const { kind, n } of await failedCounts(db)) this.set({ kind }, n);
    },
  });
  new Gauge({
    name: 'frontline_open_swarms',
    help: 'Open issues with reports linked to them (swarms), and those reports',
    labelNames: ['count'],
    registers: [registry],
    async collect() {
      const { swarms, reports } = await openSwarms(db);
      this.set({ count: 'swarms' }, swarms);
      this.set({ count: 'reports' }, reports);
    },
  });
  collectDefaultMetrics({ register: registry });
  new Gauge({
    name: 'frontline_build_info',
    help: 'Always 1: the running version and Node.js, as labels',
    labelNames: ['version', 'node'],
    registers: [registry],
  }).set({ version: VERSION, node: process.versions.node }, 1);
  new Gauge({
    name: 'frontline_outbox_oldest_pending_seconds',
    help: 'Age of the oldest Slack message that may go now but has not: alert when it grows (a stuck lane, Slack down)',
    registers: [registry],
    async collect() {
      const oldest = await oldestDue(db, now());
      this.set(oldest ? Math.max(0, (now().getTime() - oldest.getTime()) / 1000) : 0);
    },
  });
  // Business time, as the digest measures it: from a few minutes to a few working days.
  const businessBuckets = [60, 300, 900, 1800, 3600, 4 * 3600, 8 * 3600, 24 * 3600, 3 * 24 * 3600];
  const ackSeconds = new Histogram({
    name: 'frontline_time_to_acknowledge_seconds', help: 'Business time from the acknowledgement clock start to the claim',
    labelNames: ['team', 'level'], buckets: businessBuckets, registers: [registry],
  });
  const resolveSeconds = new Histogram({
    name: 'frontline_time_to_resolve_seconds', help: 'Business time from filing (or reopening) to the resolution, waiting on the customer left out',
    labelNames: ['team', 'level'], buckets: businessBuckets, registers: [registry],
  });
  const missed = new Counter({
    name: 'frontline_targets_missed_total', help: 'Acknowledgements and resolutions that came after their target',
    labelNames: ['team', 'target'], registers: [registry],
  });
  const loopErrors = new Counter({
    name: 'frontline_background_errors_total', help: 'Failed rounds of a background loop (sweeper, outbox, timer alarm); each is logged',
    labelNames: ['loop'], registers: [registry],
  });
  const sends = new Counter({
    name: 'frontline_slack_sends_total',
    help: 'Slack messages by kind and result (sent, retried, failed)',
    labelNames: ['kind', 'result'],
    registers: [registry],
  });
  const deflections = new Counter({
    name: 'frontline_deflections_total', help: 'Escalation forms closed after showing the category\'s article or past answers',
    labelNames: ['category'], registers: [registry],
  });
  const sweepSeconds = new Histogram({
    name: 'frontline_sweep_duration_seconds',
    help: 'How long one sweep (timers, then queued messages) took',
    buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  return {
    registry,
    countSend: (kind: string, result: SendResult) => sends.inc({ kind, result }),
    timeSweep: () => sweepSeconds.startTimer(),
    countError: (loop: string) => loopErrors.inc({ loop }),
    countDeflection: (category: string) => deflections.inc({ category }),
    /** Acknowledgements and resolutions as they are stored: one observation per customer (a swarm's reports count). */
    observe: (issue: Issue, events: IssueEvent[]) => {
      // Praise is passed on, not a problem: it counts in no time or missed-target figure (as in the digest).
      if (issue.snapshot.category.praise) return;
      for (const e of events) {
        const labels = { team: issue.team, level: issue.level };
        if (e.type === 'claimed') {
          ackSeconds.observe(labels, e.details.ackMs / 1000);
          if (e.details.late) missed.inc({ team: issue.team, target: 'ack' });
        }
        if (e.type === 'resolved') {
          resolveSeconds.observe(labels, e.details.resolveMs / 1000);
          if (e.details.late) missed.inc({ team: issue.team, target: 'resolve' });
        }
      }
    },
  };
}

export type Metrics = ReturnType<typeof createMetrics>;

