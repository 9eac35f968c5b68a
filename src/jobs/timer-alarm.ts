import type { Logger } from 'pino';

/** setTimeout cannot wait longer than about 24 days; the alarm re-arms itself well before. */
const LONGEST_WAIT_MS = 60 * 60 * 1000;

/**
 * Wakes this instance when the next reminder or escalation falls due, instead
 * of leaving it to the next sweep: a timer fires within moments of its time,
 * whatever SWEEP_INTERVAL_MS is. It learns of due times from the plans this
 * instance makes and, at each sweep, from the database (other instances' plans).
 * On many instances, each wakes for what it knows; the sweep stays the safety
 * net, and the timers' leases keep each firing to one instance.
 */
export class TimerAlarm {
  private timer: NodeJS.Timeout | undefined;
  private at = Infinity;
  private stopped = false;

  constructor(
    private readonly fire: () => Promise<unknown>,
    /** The earliest pending timer still ahead of now, if any. */
    private readonly nextDue: () => Promise<Date | undefined>,
    private readonly now: () => Date,
    private readonly log: Logger,
    private readonly onError: () => void = () => {},
  ) {}

  /** Something falls due at `at`: ring then, unless the alarm already rings earlier. */
  wakeBy(at: Date): void {
    const when = at.getTime();
    if (this.stopped || when >= this.at) return;
    clearTimeout(this.timer);
    this.at = when;
    this.timer = setTimeout(() => void this.ring(), Math.min(LONGEST_WAIT_MS, Math.max(0, when - this.now().getTime())));
    this.timer.unref();
  }

  /** Looks up the next due time in the database and arms for it (at start, and after each sweep). */
  async rearm(): Promise<void> {
    const next = await this.nextDue();
    if (next) this.wakeBy(next);
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  private async ring(): Promise<void> {
    this.at = Infinity;
    try {
      await this.fire();
      await this.rearm();
    } catch (error) {
      // The sweep will try again; the alarm re-arms at the next sweep.
      this.log.error({ err: error }, 'timer alarm failed');
      this.onError();
    }
  }
}
