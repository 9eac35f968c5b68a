import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { leanFetch } from '../../src/slack/lean-fetch.js';

/** What the server received last, and answers set per path. */
let server: Server;
let base: string;
let received: { method?: string; headers: IncomingMessage['headers']; body: string } | undefined;

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', () => {
      received = { method: req.method, headers: req.headers, body };
      if (req.url === '/empty') return res.writeHead(204).end();
      if (req.url === '/moved') return res.writeHead(302, { location: '/elsewhere' }).end();
      if (req.url === '/hang') return; // never answers
      res.writeHead(200, [['content-type', 'application/json'], ['set-cookie', 'a=1'], ['set-cookie', 'b=2']]);
      res.end(JSON.stringify({ ok: true, echo: body }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => {
  server.closeAllConnections();
  server.close();
});

describe('leanFetch, the fetch the bot calls Slack with', () => {
  it('posts the body and headers given, and answers as fetch does', async () => {
    const response = await leanFetch(`${base}/api/chat.postMessage`, {
      method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: 'Bearer xoxb-test' }, body: 'channel=C1&text=hi',
    });
    expect(received).toMatchObject({ method: 'POST', body: 'channel=C1&text=hi' });
    expect(received!.headers).toMatchObject({ 'content-type': 'application/x-www-form-urlencoded', authorization: 'Bearer xoxb-test' });
    expect(response.status).toBe(200);
    expect(response.ok).toBe(true);
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(response.headers.get('set-cookie')).toBe('a=1, b=2');
    expect(await response.json()).toEqual({ ok: true, echo: 'channel=C1&text=hi' });
  });

  it('takes headers as a Headers object or as pairs', async () => {
    await leanFetch(`${base}/x`, { method: 'POST', headers: new Headers({ 'x-slack-test': 'yes' }), body: '{}' });
    expect(received!.headers['x-slack-test']).toBe('yes');
    await leanFetch(`${base}/x`, { method: 'POST', headers: [['x-slack-test', 'pairs']], body: '{}' });
    expect(received!.headers['x-slack-test']).toBe('pairs');
  });

  it('answers a 204 with no body', async () => {
    const empty = await leanFetch(`${base}/empty`, { method: 'post', body: '' });
    expect(received!.method).toBe('POST');
    expect(empty.status).toBe(204);
    expect(empty.statusText).toBe('No Content');
  });

  it('treats a redirect as fetch does: an error when refused (the Web API client), followed by default, shown when manual', async () => {
    const refused = await leanFetch(`${base}/moved`, { method: 'POST', body: 'x', redirect: 'error' }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(TypeError);
    let posts = 0;
    const countPosts = (req: IncomingMessage) => (posts += req.method === 'POST' ? 1 : 0);
    server.prependListener('request', countPosts);
    expect((await leanFetch(`${base}/moved`, { method: 'POST', body: 'once' })).url).toBe(`${base}/elsewhere`);
    server.off('request', countPosts);
    expect(received!.method).toBe('GET'); // as fetch does after a 302
    expect(posts).toBe(1); // the POST itself is not made again
    const manual = await leanFetch(`${base}/moved`, { redirect: 'manual' });
    expect(manual.status).toBe(302);
    expect(manual.headers.get('location')).toBe('/elsewhere');
  });

  it('gives up at the signal with a TimeoutError, as fetch does (the outbox counts it as a timeout)', async () => {
    const error = await leanFetch(`${base}/hang`, { method: 'POST', body: 'x', signal: AbortSignal.timeout(100) }).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'TimeoutError' });
  });

  it('sends a FormData body (a file upload) through fetch itself', async () => {
    const form = new FormData();
    form.append('file', new Blob(['hello']), 'hello.txt');
    const response = await leanFetch(`${base}/upload`, { method: 'POST', body: form });
    expect(response.status).toBe(200);
    expect(received!.headers['content-type']).toMatch(/^multipart\/form-data; boundary=/);
    expect(received!.body).toContain('hello');
  });
});
