import type { SlackDriver } from '../../src/sandbox/driver.js';

export interface Sent {
  i: number;
  /** When the request left (ms since the epoch). */
  at: number;
  /** How long the app took to answer it (or to fail: over 3 s, or 10 s with no answer). */
  ackMs: number;
  status: number;
  /** The issue key the answer named, if it filed one. */
  key?: string;
}

/**
 * Sends `/escalate` quick forms at a steady rate, whatever the app's answers:
 * an open loop, as a hundred agents typing at once would. Each is the driver's
 * signed slash command, timed from send to answer; one the driver refuses (no
 * answer within Slack's 3 s) keeps the time it took.
 */
export async function quickFormsAtRate(driver: SlackDriver, options: {
  rate: number; seconds: number; user: string; channel: string; text: (i: number) => string;
}): Promise<Sent[]> {
  const total = Math.round(options.rate * options.seconds);
  const start = Date.now() + 100;
  const inFlight: Array<Promise<Sent>> = [];
  for (let i = 0; i < total; i++) {
    const due = start + (i * 1000) / options.rate;
    const wait = due - Date.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    inFlight.push(send(i));
  }
  return Promise.all(inFlight);

  async function send(i: number): Promise<Sent> {
    const at = Date.now();
    try {
      const reply = await driver.slash(options.user, options.channel, options.text(i));
      const text = typeof reply.body === 'string' ? reply.body : reply.body.text ?? '';
      return { i, at, ackMs: reply.ms, status: reply.status, key: /ESC-\d+/.exec(String(text))?.[0] };
    } catch {
      return { i, at, ackMs: Date.now() - at, status: 0 };
    }
  }
}

/** When a message reached the sandbox, from its ts (the sandbox makes ts from the clock, in microseconds). */
export const arrivedAt = (ts: string) => Math.floor(Number(ts) * 1000);
