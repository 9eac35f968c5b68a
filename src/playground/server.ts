import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { choose, click, closeModal, compose, openHome, react, submit } from './act.js';
import { isClockMove, moveClock } from './clock-moves.js';
import { applyDraft, checkDraft, explainQuestion, replayDraft, runningText } from './matrix-editor.js';
import { problemsHtml } from './matrix-page.js';
import { DEFAULT_PERSON, DEFAULT_VIEW, pageHtml, versionOf } from './page.js';
import type { PlaygroundParts } from './playground.js';
import { whereOf } from './where.js';

const BODY_LIMIT = 1_000_000;

type Form = URLSearchParams;
type Handler = (pg: PlaygroundParts, form: Form, user: string) => Promise<void | string> | void | string;

/** The fields of a Slack form as the page posts them (`v:<block id>`); empty ones are left unset. */
function formValues(f: URLSearchParams): Record<string, string | undefined> {
  const values: Record<string, string | undefined> = {};
  for (const [k, v] of f) if (k.startsWith('v:')) values[k.slice(2)] = v === '' ? undefined : v;
  return values;
}

/** What each form on the page does. A handler may answer with HTML; otherwise the browser goes back to the page. */
const POSTS: Record<string, Handler> = {
  '/compose': (pg, f, user) => compose(pg, user, f.get('channel') ?? '', f.get('text') ?? '', f.get('thread') || undefined),
  '/click': (pg, f, user) => {
    const ephemeral = f.get('ephemeral');
    return click(pg, user, { channel: f.get('channel') ?? '', ts: f.get('ts') ?? undefined, ephemeral: ephemeral === null ? undefined : Number(ephemeral) }, f.get('action') ?? '');
  },
  '/submit': (pg, f, user) => submit(pg, user, formValues(f)),
  '/choose': (pg, f, user) => {
    const values = formValues(f);
    const block = f.get('dispatch') ?? '';
    return choose(pg, user, block, values[block] ?? '', values);
  },
  '/close': (pg, _f, user) => closeModal(pg, user),
  '/react': (pg, f, user) => react(pg, user, f.get('channel') ?? '', f.get('ts') ?? ''),
  '/home': (pg, _f, user) => openHome(pg, user),
  '/clock': async (pg, f, user) => {
    const move = f.get('move') ?? '';
    if (!isClockMove(move)) return void pg.notices.set(user, `"${move}" is not a move of the clock`);
    const problem = await moveClock(pg, move);
    if (problem) pg.notices.set(user, problem);
    else pg.notices.delete(user);
  },
  '/matrix/check': (pg, f) => {
    pg.editor.draft = f.get('routing') ?? '';
    const { problems } = checkDraft(pg.editor.draft);
    pg.editor.message = problems.length ? `check: ${problems.length} problem${problems.length === 1 ? '' : 's'}` : 'check: OK';
  },
  '/matrix/problems': (pg, f) => {
    pg.editor.draft = f.get('routing') ?? '';
    return problemsHtml(pg.editor.draft, checkDraft(pg.editor.draft)).text;
  },
  '/matrix/apply': (pg, f) => {
    pg.editor.draft = f.get('routing') ?? '';
    pg.editor.message = applyDraft(pg, pg.editor.draft).message;
  },
  '/matrix/replay': async (pg, f) => {
    pg.editor.draft = f.get('routing') ?? '';
    pg.editor.replay = await replayDraft(pg, pg.editor.draft);
  },
  '/matrix/reset': (pg) => {
    pg.editor.draft = runningText(pg);
    pg.editor.message = 'The editor holds the matrix the app runs on.';
  },
  '/matrix/explain': (pg, f) => {
    const matrix = checkDraft(pg.editor.draft).matrix ?? pg.app.ctx.matrix;
    const question = { category: f.get('category') ?? '', level: f.get('level') ?? '', origin: f.get('origin') || undefined, text: f.get('text') ?? '' };
    pg.editor.question = question;
    try {
      pg.editor.explain = explainQuestion(matrix, question, pg.clock.now()).join('\n');
    } catch (error) {
      pg.editor.explain = String((error as Error).message);
    }
  },
};

/** Extra routes, such as "Play the story", which need more than the parts. */
export type ExtraPosts = Record<string, Handler>;

/** The playground's web server: the page, its forms, and the version it polls. */
export function playgroundServer(pg: PlaygroundParts, extra: ExtraPosts = {}): Server {
  return createServer((req, res) => {
    route(pg, { ...POSTS, ...extra }, req, res).catch((error: unknown) => {
      if (!res.headersSent) send(res, 500, 'text/plain', `The playground could not do that: ${(error as Error).message ?? String(error)}\n`);
      else res.end();
    });
  });
}

async function route(pg: PlaygroundParts, posts: Record<string, Handler>, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://playground');
  if (req.method === 'GET' && url.pathname === '/') {
    const where = whereOf(url.searchParams, DEFAULT_PERSON, DEFAULT_VIEW);
    if (!pg.slack.users.has(where.as)) where.as = DEFAULT_PERSON;
    return send(res, 200, 'text/html; charset=utf-8', pageHtml(pg, where).text);
  }
  if (req.method === 'GET' && url.pathname === '/version') return send(res, 200, 'text/plain', versionOf(pg));
  const handler = req.method === 'POST' ? posts[url.pathname] : undefined;
  if (!handler) return send(res, 404, 'text/plain', 'Not found\n');
  // Another site's page may not drive the playground from a visitor's browser.
  const origin = req.headers.origin;
  if (origin && origin !== 'null' && new URL(origin).host !== req.headers.host) return send(res, 403, 'text/plain', 'Forms come from the playground\'s own page only\n');
  const form = new URLSearchParams(await readBody(req));
  const user = form.get('as') ?? DEFAULT_PERSON;
  if (!pg.slack.users.has(user)) return send(res, 400, 'text/plain', `There is no person ${user} in this workspace\n`);
  const answer = await handler(pg, form, user);
  if (typeof answer === 'string') return send(res, 200, 'text/html; charset=utf-8', answer);
  const back = form.get('back') ?? '/';
  res.writeHead(303, { location: /^\/(\?|$)/.test(back) ? back : '/' }).end();
}

function send(res: ServerResponse, status: number, type: string, body: string): void {
  res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' }).end(body);
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > BODY_LIMIT) return req.destroy(new Error('the form is larger than 1 MB'));
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

export async function listen(server: Server, port: number, host: string): Promise<number> {
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(port, host, () => resolve()));
  return (server.address() as AddressInfo).port;
}
