import type { AppContext } from '../app/context.js';
import { recordDeliveryFailed } from '../app/delivery-results.js';
import { findIssues } from '../db/issue-store.js';
import { claimLanes, extendLease, handBack, markSent, releaseIdle, releaseLane, retryLater, takeNext, type ClaimedLane } from '../db/outbox-store.js';
import type { OutboxRow } from '../db/schema.js';
import type { Issue } from '../domain/issue/issue.js';
import { readOutboxMessage } from '../domain/outbox-message.js';
import { classifySlackError } from '../slack/slack-errors.js';
import type { Sent } from '../slack/outbox-sender.js';
import type { SendResult } from '../metrics.js';
import { TIMED_OUT, within } from '../time-limit.js';

export interface OutboxWorkerOptions {
  /** Lanes this instance sends at once; each lane sends its messages one by one. */
  lanes?: number;
  /** How long a claimed lane stays with this instance before another may take it over. */
  leaseMs?: number;
  /** Transient failures are retried with backoff for this long, then given up on and reported. */
  giveUpAfterMs?: number;
  /** A send that has not finished after this long counts as a transient failure. */
  sendTimeoutMs?: number;
  /** Told of every attempt's result (metrics). */
  onResult?: (kind: string, result: SendResult) => void;
}

const DAY_MS = 24 * 60 * 60 * 1000;
/** Sent messages of one lane whose results may be recorded at once, behind the sends that go on. */
const RECORDING_AHEAD = 4;
/** Messages of one lane taken at once, with their issues: two round trips for the lot instead of two each. */
const BATCH = 10;
/**
 * A batch found older than this before a send is handed back and taken again: its
 * issues and payloads are read anew, so a slow lane renders its messages from data
 * read about a second before at most (an erasure or a reroute meanwhile), not from
 * data read nine sends before. It also bounds what a lease lost in a stall can
 * send twice to about a second's worth of a batch.
 */
const BATCH_MAX_AGE_MS = 1000;
/** While lanes are being sent, claims of other lanes are at least this far apart. */
const CLAIM_GAP_MS = 20;

/** 1 s, 2 s, 4 s ... at most 5 minutes between attempts. */
const backoffMs = (failures: number) => Math.min(1000 * 2 ** (failures - 1), 5 * 60_000);

/** What one message's attempt came to: sent, given up (the lane goes on), or the lane waits until then. */
type Delivery = 'sent' | 'given_up' | { waitUntil: Date };

class SendTimeout extends Error {
  readonly code = 'send_timeout';
}

/**
 * Sends queued Slack messages, lane by lane. Lanes are independent: a slow,
 * rate-limited or failing channel holds up only its own messages, and a message
 * that can never be sent is given up on (and reported to a person) so that the
 * messages behind it go on. `kick()` starts a claim at once after a change; the
 * sweeper kicks it on an interval to pick up retries and other instances'
 * leftovers. It never throws: a failed round is logged and the next kick tries again.
 */
export class OutboxWorker {
  private readonly active = new Map<string, Promise<void>>();
  private claiming: Promise<void> | null = null;
  private again = false;
  private stopped = false;
  /** When this instance's waiting lanes may go again (ms): each wait gets its own wake-up, not only the earliest. */
  private readonly wakeTimes = new Set<number>();
  private wake: NodeJS.Timeout | undefined;
  private wakeAt = Infinity;
  private lastClaim = 0;
  private claimLater: NodeJS.Timeout | undefined;
  private readonly maxLanes: number;
  private readonly leaseMs: number;
  private readonly giveUpAfterMs: number;
  private readonly sendTimeoutMs: number;
  private readonly onResult: (kind: string, result: SendResult) => void;

  constructor(
    private readonly ctx: AppContext,
    private readonly send: (row: OutboxRow, issue?: Issue) => Promise<Sent>,
    options: OutboxWorkerOptions = {},
  ) {
    this.maxLanes = options.lanes ?? 16;
    this.leaseMs = options.leaseMs ?? 60_000;
    this.giveUpAfterMs = options.giveUpAfterMs ?? DAY_MS;
    this.sendTimeoutMs = options.sendTimeoutMs ?? 45_000;
    this.onResult = options.onResult ?? (() => {});
  }

  kick(): void {
    if (this.stopped) return;
    if (this.claiming) {
      this.again = true;
      return;
    }
    // While lanes are being sent, most new messages land in them and their senders read on: a burst's
    // filings then cost one claim every CLAIM_GAP_MS rather than one each. Other lanes wait at most that long.
    const wait = this.active.size ? this.lastClaim + CLAIM_GAP_MS - Date.now() : 0;
    if (wait > 0) {
      this.claimLater ??= setTimeout(() => {
        this.claimLater = undefined;
        this.kick();
      }, wait);
      return;
    }
    clearTimeout(this.claimLater);
    this.claimLater = undefined;
    this.lastClaim = Date.now();
    this.claiming = this.claim().finally(() => {
      this.claiming = null;
    });
  }

  /** Resolves once nothing is being claimed or sent (for tests and shutdown). */
  async idle(): Promise<void> {
    while (this.claiming || this.active.size) await Promise.allSettled([this.claiming, ...this.active.values()]);
  }

  /** Claims nothing more; lanes being sent finish their current message. */
  stop(): void {
    this.stopped = true;
    clearTimeout(this.wake);
    clearTimeout(this.claimLater);
  }

  private async claim(): Promise<void> {
    do {
      this.again = false;
      try {
        const lanes = await claimLanes(this.ctx.db, this.ctx.now(), this.maxLanes - this.active.size, this.leaseMs, [...this.active.keys()]);
        for (const lane of lanes) this.start(lane);
      } catch (error) {
        this.ctx.log.error({ err: error }, 'could not claim outbox lanes; will retry at the next sweep');
        this.ctx.countError?.('outbox');
      }
    } while (this.again && !this.stopped);
  }

  private start(claimed: ClaimedLane): void {
    const task = this.drain(claimed)
      .catch((error: unknown) => {
        this.ctx.log.error({ err: error, lane: claimed.lane }, 'outbox lane failed; its lease will hand it on');
        this.ctx.countError?.('outbox');
      })
      .finally(() => {
        this.active.delete(claimed.lane);
        this.kick();
      });
    this.active.set(claimed.lane, task);
  }

  /**
   * Sends a lane's messages in order until it is empty, must wait, or this
   * instance stops. While it works, the lane's lease is renewed: a send that
   * takes long (a slow Slack) keeps the lane here, and a process that dies stops
   * renewing it, so another instance takes the lane over within one lease.
   */
  private async drain(claimed: ClaimedLane): Promise<void> {
    const heartbeat = setInterval(() => {
      extendLease(this.ctx.db, claimed.lane, new Date(this.ctx.now().getTime() + this.leaseMs))
        .catch((error: unknown) => this.ctx.log.warn({ err: error, lane: claimed.lane }, 'could not renew an outbox lane lease'));
    }, Math.max(250, this.leaseMs / 3));
    heartbeat.unref();
    const recording = new Recording(this.ctx.log);
    const batch = new Batch();
    try {
      for (;;) {
        if (this.stopped) return await this.release(claimed, recording, batch, this.ctx.now());
        if (recording.failed.length) return await this.retryUnrecorded(claimed, recording, batch);
        if (batch.olderThan(this.ctx.now(), BATCH_MAX_AGE_MS)) await this.handBack(claimed, batch);
        if (batch.empty && batch.cameShort) {
          // The last take found all the lane had ready, and it is sent: once it is recorded, the lane is handed
          // back, due when its head may go, or idle if it has none. It is not asked again: what was queued since is
          // its head (or, committed after the release read it, moved its version), so the lane stays due and the
          // claim that follows takes it. A quiet lane saves a take that would come back empty.
          if (recording.size) {
            await recording.all();
            continue;
          }
          return await this.releaseIdle(claimed);
        }
        if (batch.empty) await batch.take(this.ctx.db, claimed.lane, recording, this.ctx.now());
        const next = batch.next();
        // Nothing may go now (a take that came back empty is short): handled above.
        if (!next) continue;
        await recording.before(next.row.issueId);
        // A result about to be needed failed to record: this message stays pending (its attempt counted), and goes later.
        if (recording.failed.length) continue;
        const delivery = await this.deliver(next.row, next.issue, recording);
        if (typeof delivery === 'object') return await this.release(claimed, recording, batch, delivery.waitUntil);
      }
    } finally {
      clearInterval(heartbeat);
      await this.handBack(claimed, batch);
      await recording.all();
    }
  }

  /** Messages taken and not sent go back as they were (a lane that stopped early: a wait, a failure, shutdown). */
  private async handBack(claimed: ClaimedLane, batch: Batch): Promise<void> {
    await handBack(this.ctx.db, batch.drop()).catch((error: unknown) => {
      // Harmless: their next attempt looks in Slack before posting, as after a crash.
      this.ctx.log.warn({ err: error, lane: claimed.lane }, 'could not hand back outbox messages taken but not sent');
    });
  }

  /**
   * A sent message whose result could not be recorded (the database failed
   * meanwhile) is put off like a transient failure, and the lane waits for it:
   * what follows may need that result (a thread note needs its card's ts). The
   * retry looks in Slack before posting, so the message is not posted twice.
   */
  private async retryUnrecorded(claimed: ClaimedLane, recording: Recording, batch: Batch): Promise<void> {
    await recording.all();
    const now = this.ctx.now();
    let until = now;
    for (const row of recording.failed) {
      const at = new Date(now.getTime() + backoffMs(row.failures + 1));
      await retryLater(this.ctx.db, row.id, at, 'not_recorded', { now });
      if (at > until) until = at;
    }
    await this.releaseUntil(claimed, batch, until);
  }

  private async release(claimed: ClaimedLane, recording: Recording, batch: Batch, at: Date): Promise<void> {
    await recording.all();
    await this.releaseUntil(claimed, batch, at);
  }

  /** The lane had nothing to send now: this instance wakes when its head may go. */
  private async releaseIdle(claimed: ClaimedLane): Promise<void> {
    const headAt = await releaseIdle(this.ctx.db, claimed);
    if (headAt) this.wakeThen(headAt);
  }

  /** Hands the lane back until `at`, and wakes this instance then rather than at the next sweep. */
  private async releaseUntil(claimed: ClaimedLane, batch: Batch, at: Date): Promise<void> {
    await this.handBack(claimed, batch);
    await releaseLane(this.ctx.db, claimed, at);
    this.wakeThen(at);
  }

  private wakeThen(at: Date): void {
    this.wakeTimes.add(at.getTime());
    this.armWake();
  }

  /**
   * One timer, set for the earliest wake-up still to come. When it fires, the
   * wake-ups due by then are done with (whatever the clock says: each fires
   * once) and the timer is set for the next, so a lane that waits longer than
   * another is not left for the sweep.
   */
  private armWake(): void {
    const next = this.wakeTimes.size ? Math.min(...this.wakeTimes) : Infinity;
    if (next === this.wakeAt || this.stopped) return;
    clearTimeout(this.wake);
    this.wakeAt = next;
    if (next === Infinity) return;
    this.wake = setTimeout(() => {
      for (const time of this.wakeTimes) if (time <= next) this.wakeTimes.delete(time);
      this.wakeAt = Infinity;
      this.kick();
      this.armWake();
    }, Math.max(0, next - this.ctx.now().getTime() + 5));
    this.wake.unref();
  }

  /**
   * Sends one message. Its result is recorded behind the lane's next sends
   * rather than before them: a channel's burst goes out at Slack's pace, not at
   * the pace of our database round trips. A crash before the record lands is
   * covered by the attempt counted in takeNext (the retry looks before posting).
   */
  private async deliver(row: OutboxRow, issue: Issue | undefined, recording: Recording): Promise<Delivery> {
    let sent: Sent;
    try {
      sent = await this.withTimeout(this.send(row, issue));
    } catch (error) {
      return this.failed(row, error, this.logFor(row));
    }
    this.onResult(row.kind, 'sent');
    // Every message passes here: its logger is made only when the line will be written.
    if (this.ctx.log.isLevelEnabled('debug')) this.logFor(row).debug({ skipped: sent?.skipped }, 'slack message sent');
    await recording.add(row, sent?.record ?? (() => markSent(this.ctx.db, row.id, this.ctx.now())));
    return 'sent';
  }

  private logFor(row: OutboxRow): AppContext['log'] {
    return this.ctx.log.child({ issue: row.issueId ? `ESC-${row.issueId}` : undefined, kind: row.kind, outbox: row.id });
  }

  private async failed(row: OutboxRow, error: unknown, log: AppContext['log']): Promise<Delivery> {
    const failure = error instanceof SendTimeout ? { kind: 'transient' as const, error: error.code } : classifySlackError(error);
    const now = this.ctx.now();
    if (failure.kind === 'ratelimited') {
      // Waiting out a rate limit is not a failure: it never counts towards giving up.
      this.onResult(row.kind, 'retried');
      const waitUntil = new Date(now.getTime() + failure.retryAfterMs);
      await retryLater(this.ctx.db, row.id, waitUntil, failure.error, null);
      return { waitUntil };
    }
    const gaveUpOnRetries = failure.kind === 'transient' && row.firstFailedAt !== null && now.getTime() - row.firstFailedAt.getTime() >= this.giveUpAfterMs;
    if (failure.kind === 'transient' && !gaveUpOnRetries) {
      this.onResult(row.kind, 'retried');
      const waitUntil = new Date(now.getTime() + backoffMs(row.failures + 1));
      log.info({ error: failure.error, retryAt: waitUntil, failures: row.failures + 1 }, 'slack message will be retried');
      await retryLater(this.ctx.db, row.id, waitUntil, failure.error, { now });
      return { waitUntil };
    }
    // Refused for good, unexpected, or failing for a day: give up, tell a person, and let the lane go on.
    this.onResult(row.kind, 'failed');
    if (failure.kind === 'unexpected') log.error({ err: error }, 'slack message failed unexpectedly; giving up on it');
    else log.warn({ error: failure.error }, 'giving up on a slack message');
    const message = readOutboxMessage(row.kind, row.issueId, row.payload);
    await recordDeliveryFailed(this.ctx, row, 'unreadable' in message ? undefined : message, failure.error);
    return 'given_up';
  }

  private async withTimeout<T>(work: Promise<T>): Promise<T> {
    const result = await within(work, this.sendTimeoutMs);
    if (result === TIMED_OUT) throw new SendTimeout(`no answer within ${this.sendTimeoutMs} ms`);
    return result;
  }
}

/**
 * The results of one lane's sent messages, being recorded while the lane goes
 * on. A message about an issue waits for its issue's earlier results (a thread
 * note needs its card's ts), and at most RECORDING_AHEAD are in flight. A result
 * that fails to record is kept in `failed`, and the lane stops to retry it.
 */
class Recording {
  private readonly inFlight = new Map<number, Promise<void>>();
  private readonly byIssue = new Map<number, Promise<void>>();
  readonly failed: OutboxRow[] = [];

  constructor(private readonly log: AppContext['log']) {}

  get size(): number {
    return this.inFlight.size;
  }

  /** The messages sent whose results are not recorded yet. */
  ids(): number[] {
    return [...this.inFlight.keys()];
  }

  async add(row: OutboxRow, record: () => Promise<void>): Promise<void> {
    while (this.inFlight.size >= RECORDING_AHEAD) await Promise.race(this.inFlight.values());
    const { issueId } = row;
    const task = record().catch((error: unknown) => {
      this.log.error({ err: error, issue: issueId ? `ESC-${issueId}` : undefined, outbox: row.id }, 'could not record a sent Slack message; it will be retried');
      this.failed.push(row);
    }).finally(() => {
      this.inFlight.delete(row.id);
      if (issueId !== null && this.byIssue.get(issueId) === task) this.byIssue.delete(issueId);
    });
    this.inFlight.set(row.id, task);
    if (issueId !== null) this.byIssue.set(issueId, task);
  }

  /** True while a result about this issue is being recorded. */
  has(issueId: number): boolean {
    return this.byIssue.has(issueId);
  }

  /** Waits until what was sent about this issue is recorded (or failed to be: see `failed`). */
  async before(issueId: number | null): Promise<void> {
    if (issueId !== null) await this.byIssue.get(issueId);
  }

  async all(): Promise<void> {
    while (this.inFlight.size) await Promise.allSettled(this.inFlight.values());
  }
}

/**
 * A lane's next messages, taken together with their issues. An issue read with
 * the batch serves only the first of its messages, and only if nothing about it
 * was being recorded at the time: a later message must see what an earlier one's
 * result changed (a thread note needs its card's ts), so it reads the issue again.
 */
class Batch {
  private rows: OutboxRow[] = [];
  private issues = new Map<number, Issue>();
  private takenAt = 0;
  /** True when the last take came back with fewer messages than it asked for: the lane had no more ready. */
  cameShort = false;

  get empty(): boolean {
    return this.rows.length === 0;
  }

  /** True when the batch still holds messages taken more than `ms` ago. */
  olderThan(now: Date, ms: number): boolean {
    return !this.empty && now.getTime() - this.takenAt > ms;
  }

  /** Messages sent but not yet recorded are still pending: they are skipped, not sent again. */
  async take(db: AppContext['db'], lane: string, recording: Recording, now: Date): Promise<void> {
    this.takenAt = now.getTime();
    this.rows = await takeNext(db, lane, recording.ids(), now, BATCH);
    this.cameShort = this.rows.length < BATCH;
    const ids = new Set(this.rows.flatMap((r) => (r.issueId === null || recording.has(r.issueId) ? [] : [r.issueId])));
    this.issues = await findIssues(db, [...ids]);
  }

  next(): { row: OutboxRow; issue?: Issue } | undefined {
    const row = this.rows.shift();
    if (!row) return undefined;
    if (row.issueId === null) return { row };
    const issue = this.issues.get(row.issueId);
    this.issues.delete(row.issueId);
    return { row, issue };
  }

  /** Empties the batch; returns the ids of the messages it still held. */
  drop(): number[] {
    const ids = this.rows.map((r) => r.id);
    this.rows = [];
    this.cameShort = false;
    this.issues.clear();
    return ids;
  }
}
