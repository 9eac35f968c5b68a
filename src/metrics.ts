import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Db } from './db/client.js';
import { countByStatus } from './db/issue-queries.js';
import { openSwarms } from './db/swarm-store.js';
import { failedCounts, pendingCount } from './db/outbox-store.js';
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
  const sends = new Counter({
    name: 'frontline_slack_sends_total',
    help: 'Slack messages by kind and result (sent, retried, failed)',
    labelNames: ['kind', 'result'],
    registers: [registry],
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
  };
}

export type Metrics = ReturnType<typeof createMetrics>;

