import type { AppContext } from '../app/context.js';
import { recordDeliveryFailed } from '../app/delivery-results.js';
import { readOutboxMessage } from '../domain/outbox-message.js';
import { claimDue, markSent, retryLater } from '../db/outbox-store.js';
import type { OutboxRow } from '../db/schema.js';
import { classifySlackError } from '../slack/slack-errors.js';
import type { Sent } from '../slack/outbox-sender.js';
import type { SendResult } from '../metrics.js';

export interface OutboxWorkerOptions {
  batch?: number;
  /** How long a claim holds before another instance may take the message over. */
  leaseMs?: number;
  /** Transient failures are retried with backoff this many times, then recorded as failed. */
  maxAttempts?: number;
  /** Told of every attempt's result (metrics). */
  onResult?: (kind: string, result: SendResult) => void;
}

const backoffMs = (attempts: number) => Math.min(1000 * 2 ** (attempts - 1), 5 * 60_000);

/**
 * Sends queued Slack messages. `kick()` runs it at once after a change; the
 * sweeper calls it on an interval to pick up retries and other instances' leftovers.
 * It never throws: a failed round is logged and the next kick or sweep tries again.
 */
export class OutboxWorker {
  private running: Promise<void> | null = null;
  private again = false;
  private readonly batch: number;
  private readonly leaseMs: number;
  private readonly maxAttempts: number;
  private readonly onResult: (kind: string, result: SendResult) => void;

  constructor(
    private readonly ctx: AppContext,
    private readonly send: (row: OutboxRow) => Promise<Sent>,
    options: OutboxWorkerOptions = {},
  ) {
    this.batch = options.batch ?? 20;
    this.leaseMs = options.leaseMs ?? 60_000;
    this.maxAttempts = options.maxAttempts ?? 15;
    this.onResult = options.onResult ?? (() => {});
  }

  kick(): void {
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.loop().finally(() => {
      this.running = null;
    });
  }

  /** Resolves once no round is in progress (for shutdown and tests). */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  private async loop(): Promise<void> {
    do {
      this.again = false;
      try {
        while ((await this.round()) > 0);
      } catch (error) {
        this.ctx.log.error({ err: error }, 'outbox round failed; will retry at the next sweep');
      }
    } while (this.again);
  }

  /** Claims and sends one batch; returns how many were claimed. */
  private async round(): Promise<number> {
    const rows = await claimDue(this.ctx.db, this.ctx.now(), this.batch, this.leaseMs);
    await Promise.all(rows.map((row) => this.deliver(row)));
    return rows.length;
  }

  private async deliver(row: OutboxRow): Promise<void> {
    const log = this.ctx.log.child({ issue: row.issueId ? `ESC-${row.issueId}` : undefined, kind: row.kind, outbox: row.id });
    try {
      const sent = await this.send(row);
      if (!sent?.recorded) await markSent(this.ctx.db, row.id, this.ctx.now());
      this.onResult(row.kind, 'sent');
      log.debug({ skipped: sent?.skipped }, 'slack message sent');
    } catch (error) {
      const failure = classifySlackError(error);
      const now = this.ctx.now().getTime();
      if (failure.kind === 'permanent' || row.attempts >= this.maxAttempts) {
        log.warn({ err: error }, 'giving up on a slack message');
        this.onResult(row.kind, 'failed');
        const message = readOutboxMessage(row.kind, row.issueId, row.payload);
        await recordDeliveryFailed(this.ctx, row, 'unreadable' in message ? undefined : message, failure.error);
      } else {
        this.onResult(row.kind, 'retried');
        const delay = failure.kind === 'ratelimited' ? failure.retryAfterMs : backoffMs(row.attempts);
        log.info({ error: failure.error, retryInMs: delay, attempt: row.attempts }, 'slack message will be retried');
        await retryLater(this.ctx.db, row.id, new Date(now + delay), failure.error);
      }
    }
  }
}
