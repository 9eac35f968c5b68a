import { createServer, type Server } from 'node:http';
import { connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { RequestsWaiting } from '../../src/slack/requests-waiting.js';

/** Which requests count as owed an answer, through a real HTTP server whose handler answers after `answerMs`. */
let server: Server | undefined;
afterEach(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())));

async function serve(answerMs: number): Promise<{ waiting: RequestsWaiting; port: number }> {
  const waiting = new RequestsWaiting();
  server = createServer((req, res) => {
    req.resume();
    setTimeout(() => res.destroyed || res.end('ok'), answerMs);
  });
  waiting.watch(server, '/slack/events');
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return { waiting, port: (server.address() as { port: number }).port };
}

const signed = (path = '/slack/events', method = 'POST') =>
  `${method} ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slack-Signature: v0=00\r\nX-Slack-Request-Timestamp: 1\r\nContent-Length: 2\r\n\r\nab`;
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('requests owed an answer', () => {
  it('count from arrival to answer, and wake whoever waits for none', async () => {
    const { waiting, port } = await serve(150);
    const socket = connect(port, '127.0.0.1');
    socket.write(signed());
    await pause(50);
    const quiet = waiting.quiet(10_000);
    expect(quiet).toBeInstanceOf(Promise);
    const started = Date.now();
    await quiet;
    expect(Date.now() - started).toBeLessThan(1_000); // woken by the answer, not by the 10 s cap
    expect(waiting.quiet(10_000)).toBeUndefined();
    socket.destroy();
  });

  it('stop counting requests queued on a connection that closed before they were answered', async () => {
    const { waiting, port } = await serve(200);
    const socket = connect(port, '127.0.0.1');
    // Four in one write (HTTP/1.1 pipelining): the three queued responses never go out, nor emit their own 'close'.
    socket.write(signed().repeat(4));
    await pause(50);
    expect(waiting.quiet(10)).toBeInstanceOf(Promise);
    socket.destroy();
    await pause(400);
    expect(waiting.quiet(10_000)).toBeUndefined();
  });

  it('leave out other paths, other methods and requests without a Slack signature', async () => {
    const { waiting, port } = await serve(300);
    const socket = connect(port, '127.0.0.1');
    socket.write(signed('/readyz', 'GET') + signed('/metrics', 'POST')
      + 'POST /slack/events HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 2\r\n\r\nab');
    await pause(50);
    expect(waiting.quiet(10_000)).toBeUndefined();
    socket.destroy();
  });

  it('let a waiter go after its cap when an answer never comes', async () => {
    const { waiting, port } = await serve(60_000);
    const socket = connect(port, '127.0.0.1');
    socket.write(signed());
    await pause(50);
    const started = Date.now();
    await waiting.quiet(30);
    expect(Date.now() - started).toBeGreaterThanOrEqual(25);
    expect(Date.now() - started).toBeLessThan(1_000);
    socket.destroy();
  });
});
