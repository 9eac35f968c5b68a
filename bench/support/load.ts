import type { SlackDriver } from '../../src/sandbox/driver.js';
import type { SlackSandbox } from '../../src/sandbox/slack-server.js';

export interface Sent {
  i: number;
  /** When the request left (ms since the epoch). */
  at: number;
  /** How long the app took to answer it; Infinity if it never did. */
  ackMs: number;
  status: number;
  /** The issue key the answer named, if it filed one. */
  key?: string;
}

/**
 * Sends `/escalate` quick forms at a steady rate, whatever the app's answers:
 * an open loop, as a hundred agents typing at once would. Each request is
 * signed like Slack's and timed from send to answer.
 */
export async function quickFormsAtRate(slack: SlackSandbox, driver: SlackDriver, appUrl: string, options: {
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
    const body = new URLSearchParams({
      token: 'x', team_id: slack.teamId, team_domain: 'sandbox', channel_id: options.channel, channel_name: 'frontline',
      user_id: options.user, user_name: 'agent', command: '/escalate', text: options.text(i), api_app_id: 'A0FRONTLINE',
      response_url: slack.issueResponseUrl(options.channel, options.user), trigger_id: slack.issueTrigger(options.user),
    }).toString();
    const at = Date.now();
    try {
      const response = await fetch(appUrl, {
        method: 'POST', body, signal: AbortSignal.timeout(10_000),
        headers: { 'content-type': 'application/x-www-form-urlencoded', ...driver.sign(body) },
      });
      const text = await response.text();
      return { i, at, ackMs: Date.now() - at, status: response.status, key: /ESC-\d+/.exec(text)?.[0] };
    } catch {
      return { i, at, ackMs: Infinity, status: 0 };
    }
  }
}

/** When a message reached the sandbox, from its ts (the sandbox makes ts from the clock, in microseconds). */
export const arrivedAt = (ts: string) => Math.floor(Number(ts) * 1000);
