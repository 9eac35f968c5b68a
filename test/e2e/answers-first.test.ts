import { connect, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { AGENTS, FRONTLINE_CHANNEL } from '../../src/sandbox/workspace.js';
import { startHarness, type Harness } from '../support/harness.js';
import { keyOf } from '../support/queries.js';

/**
 * Under a burst, agents waiting for "filed" come before cards already queued:
 * the outbox puts each send off while a Slack request is being answered, for a
 * bounded time, so a request that never completes cannot hold cards back.
 */

let h: Harness | undefined;
let pending: Socket | undefined;
afterEach(async () => {
  pending?.destroy();
  await h?.stop();
  h = pending = undefined;
});

/** What Slack's requests carry (a signature the app has yet to check), before a body of `length` bytes. */
export const requestHead = (length: number) => 'POST /slack/events HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\n'
  + `X-Slack-Request-Timestamp: ${Math.floor(Date.now() / 1000)}\r\nX-Slack-Signature: v0=${'0'.repeat(64)}\r\nContent-Length: ${length}\r\n\r\n`;

/** A request to Slack's endpoint whose body has not all arrived: the app owes it an answer until it does. */
async function unansweredRequest(port: number): Promise<{ socket: Socket; answered: Promise<string>; finish: () => void }> {
  const socket = connect(port, '127.0.0.1');
  await new Promise<void>((resolve) => socket.once('connect', resolve));
  const body = 'payload=%7B%7D';
  await new Promise<void>((resolve) => socket.write(
    `${requestHead(body.length)}${body.slice(0, 4)}`,
    () => resolve(),
  ));
  // The server parses the headers as soon as they arrive; leave it a moment (a loaded CI machine) before the next request.
  await new Promise((resolve) => setTimeout(resolve, 250));
  const answered = new Promise<string>((resolve) => socket.once('data', (data) => resolve(data.toString().split('\r\n')[0]!)));
  return { socket, answered, finish: () => socket.write(body.slice(4)) };
}

const cardOf = (reply: { body: unknown }) => () => h!.slack.messagesIn('C0BILLING').find((m) => m.text.startsWith(`${keyOf(reply)} `));

describe('a card queued while another Slack request is being answered', () => {
  it('is sent once no request is waiting for its answer', async () => {
    h = await startHarness({ answersFirstMaxMs: 60_000 });
    const other = await unansweredRequest(h.app.port);
    pending = other.socket;
    const filed = await h.driver.slash(AGENTS.phone, FRONTLINE_CHANNEL, 'billing easy Refund filed while another agent waits');
    expect(keyOf(filed)).toMatch(/^ESC-\d+$/);

    // The filing had its answer; the other request has not: its card waits.
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(cardOf(filed)()).toBeUndefined();

    other.finish();
    expect(await other.answered).toMatch(/^HTTP\/1\.1 401/); // unsigned: refused, and answered
    expect(await h.slack.waitFor('card', cardOf(filed), 4000)).toBeTruthy();
  });

  it('is sent after a bounded wait when a request is never answered', async () => {
    h = await startHarness();
    const other = await unansweredRequest(h.app.port);
    pending = other.socket;
    const filed = await h.driver.slash(AGENTS.phone, FRONTLINE_CHANNEL, 'billing easy Refund filed beside a hung request');

    expect(await h.slack.waitFor('card', cardOf(filed), 4000)).toBeTruthy();
    const stillOwed = await Promise.race([other.answered, new Promise((resolve) => setTimeout(() => resolve('still owed'), 50))]);
    expect(stillOwed).toBe('still owed');
  });
});
