import type { Server } from 'node:http';

/**
 * Slack requests whose answer someone is waiting for: from the moment one
 * arrives until its response is sent, or its connection drops. Under a burst,
 * an agent waiting for "filed" comes before a card that is already queued:
 * background work asks `quiet()` before each step and is put off (never
 * stopped) while answers are owed.
 */
export class RequestsWaiting {
  private count = 0;
  private readonly waiters = new Set<() => void>();

  /** Counts the requests to `path` that `server` receives (HTTP mode; Socket Mode has no such server). */
  watch(server: Server, path: string): void {
    server.on('request', (req, res) => {
      if (req.method !== 'POST' || req.url?.split('?')[0] !== path) return;
      this.count++;
      res.once('close', () => {
        if (--this.count === 0) for (const wake of this.waiters) wake();
      });
    });
  }

  /** Nothing when no answer is owed; otherwise resolves once none is, or after `maxMs` whatever happens. */
  quiet(maxMs: number): Promise<void> | undefined {
    if (this.count === 0) return undefined;
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        this.waiters.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, maxMs);
      this.waiters.add(wake);
    });
  }
}
