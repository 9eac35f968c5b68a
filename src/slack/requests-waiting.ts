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

  /**
   * Counts the signed-looking requests to `path` that `server` receives (HTTP
   * mode; Socket Mode has no such server). A request stops counting when it is
   * answered or its connection closes, whichever comes first: a response queued
   * behind another on a connection that closes never emits its own 'close'.
   */
  watch(server: Server, path: string): void {
    server.on('request', (req, res) => {
      if (req.method !== 'POST' || req.url?.split('?')[0] !== path || !req.headers['x-slack-signature']) return;
      this.count++;
      const socket = req.socket;
      let counted = true;
      const over = () => {
        // Once only: a closing socket closes its response while its own 'close' listeners are being called.
        if (!counted) return;
        counted = false;
        res.off('close', over);
        socket.off('close', over);
        if (--this.count === 0) for (const wake of this.waiters) wake();
      };
      res.once('close', over);
      socket.once('close', over);
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
