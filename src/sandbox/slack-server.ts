import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { messageBlockProblems } from './block-kit-limits.js';
import { SocketModeServer } from './socket-mode.js';
import { webApiMethods } from './web-api-methods.js';

/**
 * A local Slack: a workspace (users, channels, user groups, messages, views)
 * behind an HTTP server that answers the Web API (methods in web-api-methods.ts),
 * response_urls and Socket Mode as Slack does: errors as `{ ok: false, error }`,
 * 429 with Retry-After, token checks, single-use triggers that expire after 3
 * seconds, response_urls good for 5 uses in 30 minutes. It records every call
 * and every message for tests, the demo and its transcript.
 */

export type Json = Record<string, any>;

/** A person; `deleted` is a deactivated account, as Slack reports it. */
export interface SandboxUser {
  id: string;
  name: string;
  tz: string;
  deleted?: boolean;
  /** Do-not-disturb, paused by hand or on schedule: from, until. */
  dnd?: { from: Date; to: Date };
}
export interface SandboxChannel { id: string; name: string; members: Set<string>; archived: boolean; dm?: string }
export interface SandboxMessage {
  channel: string;
  ts: string;
  threadTs?: string;
  user: string;
  text: string;
  blocks?: Json[];
  metadata?: Json;
  /** Earlier versions, oldest first, when chat.update changed it. */
  history: Array<{ text: string; blocks?: Json[] }>;
}
export interface Ephemeral {
  channel: string;
  user: string;
  text: string;
  blocks?: Json[];
  via: 'ack' | 'response_url' | 'chat.postEphemeral';
  replaced: boolean;
  /** The response_url this message belongs to: `replace_original` through it replaces this message only. */
  responseUrl?: string;
}
export interface SandboxView { id: string; user: string; view: Json; open: boolean; hash: string }
export interface ApiCall { method: string; args: Json; ok: boolean; error?: string; status: number }
export type Visible =
  | { kind: 'message'; message: SandboxMessage }
  | { kind: 'update'; message: SandboxMessage }
  | { kind: 'ephemeral'; ephemeral: Ephemeral }
  | { kind: 'view'; view: SandboxView }
  | { kind: 'command'; user: string; channel: string; text: string }
  | { kind: 'click'; user: string; channel: string; label: string }
  | { kind: 'submit'; user: string; view: SandboxView; values: Json };

/** Messages a second per channel, and how many may go at once before the limit bites. */
export interface RateLimit {
  perSecond: number;
  burst: number;
}
interface Bucket {
  tokens: number;
  at: number;
}

/**
 * Slack's documented limit on posting is about one message per second per
 * channel, bursts tolerated; the burst here is generous enough for a person's
 * pace, and tests and benchmarks may tighten it.
 */
export const SLACK_RATE_LIMIT: RateLimit = { perSecond: 1, burst: 20 };

export interface Failure {
  error?: string;
  status?: number;
  retryAfter?: number;
  times: number;
  /** Only calls about this channel (or, for conversations.open and views.publish, this user). */
  channel?: string;
  /** Carry the call out, then answer with the failure anyway: a response lost on the way back. */
  afterApplying?: boolean;
  /** Never answer: the request stays open until the caller gives up (or the sandbox stops). */
  hang?: boolean;
  /** Answer only once released: a slow Slack, answering at a moment the test chooses. */
  hold?: { arrived: () => void; released: Promise<void> };
}

const TRIGGER_LIFETIME_MS = 3000;
const RESPONSE_URL_LIFETIME_MS = 30 * 60 * 1000;
const RESPONSE_URL_USES = 5;

export class SlackSandbox {
  readonly botToken = `xoxb-sandbox-${randomBytes(6).toString('hex')}`;
  readonly signingSecret = randomBytes(16).toString('hex');
  /** The app-level token for Socket Mode (apps.connections.open). */
  readonly appToken = `xapp-1-A0FRONTLINE-${randomBytes(6).toString('hex')}`;
  readonly botUserId = 'U0FRONTLINE';
  readonly botId = 'B0FRONTLINE';
  readonly teamId = 'T0SANDBOX';

  readonly users = new Map<string, SandboxUser>();
  readonly channels = new Map<string, SandboxChannel>();
  readonly usergroups = new Map<string, string[]>();
  readonly usergroupHandles = new Map<string, string>();
  readonly messages: SandboxMessage[] = [];
  readonly ephemerals: Ephemeral[] = [];
  readonly views = new Map<string, SandboxView>();
  readonly calls: ApiCall[] = [];
  /** Everything a person could have seen, in order, as it looked then: the demo's transcript is made from it. */
  readonly visible: Visible[] = [];

  private readonly methods = webApiMethods(this);
  private readonly failures = new Map<string, Failure[]>();
  private readonly buckets = new Map<string, Bucket>();
  private readonly channelLimits = new Map<string, RateLimit>();
  private readonly triggers = new Map<string, { user: string; issuedAt: number; used: boolean }>();
  private readonly responseUrls = new Map<string, { channel: string; user: string; issuedAt: number; uses: number }>();
  private server?: Server;
  private socketMode?: SocketModeServer;
  private counter = 0;
  /** The sandbox's own clock for trigger and response_url lifetimes and rate limits; tests may move it. */
  now: () => number = () => Date.now();

  /** Slack's per-channel posting limit for every channel, or none (limitChannel sets one channel's). */
  constructor(private readonly rateLimit: RateLimit | null = SLACK_RATE_LIMIT) {}

  get url(): string {
    const { port } = this.server!.address() as AddressInfo;
    return `http://127.0.0.1:${port}`;
  }
  get apiUrl(): string {
    return `${this.url}/api/`;
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => void this.handle(req, res));
    this.socketMode = new SocketModeServer(this.server);
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return this;
  }

  async stop(): Promise<void> {
    this.socketMode?.close();
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  // --- Socket Mode ---------------------------------------------------------

  get socketConnected(): boolean {
    return this.socketMode?.connected ?? false;
  }

  /** Sends an envelope over the app's Socket Mode connection and waits for its ack. */
  deliverEnvelope(type: string, payload: Json, retry?: { num: number; reason: string }): Promise<Json | undefined> {
    if (!this.socketMode) throw new Error('sandbox: not started');
    return this.socketMode.deliver(type, payload, retry);
  }

  // --- the workspace -------------------------------------------------------

  addUser(id: string, name: string, tz = 'Europe/London', options: { deleted?: boolean } = {}): void {
    this.users.set(id, { id, name, tz, ...(options.deleted ? { deleted: true } : {}) });
  }

  /** Sets a person's time zone, as they would in their Slack profile. */
  setTimezone(user: string, tz: string): void {
    const found = this.users.get(user);
    if (!found) throw new Error(`sandbox: no user ${user}`);
    found.tz = tz;
  }

  /** Do-not-disturb for a person from `from` until `to` (a pause or a schedule); undefined turns it off. */
  doNotDisturb(user: string, window: { from: Date; to: Date } | undefined): void {
    const found = this.users.get(user);
    if (!found) throw new Error(`sandbox: no user ${user}`);
    found.dnd = window;
  }

  /** A channel; the bot is a member unless `botMember` is false. */
  addChannel(id: string, name: string, members: string[] = [], options: { botMember?: boolean; archived?: boolean } = {}): void {
    const all = new Set(members);
    if (options.botMember !== false) all.add(this.botUserId);
    this.channels.set(id, { id, name, members: all, archived: options.archived ?? false });
  }

  /** A user group; its @handle defaults to the id's name (S0TRIAGE: @triage). */
  addUsergroup(id: string, members: string[], handle = id.replace(/^S0?/, '').toLowerCase()): void {
    this.usergroups.set(id, members);
    this.usergroupHandles.set(id, handle);
  }

  /** Makes the next `times` calls of `method` fail (optionally only for one channel). */
  failNext(method: string, failure: Partial<Failure> = {}): void {
    const list = this.failures.get(method) ?? [];
    list.push({ times: 1, ...failure, ...(failure.status === 429 ? { error: 'ratelimited' } : {}) });
    this.failures.set(method, list);
  }

  /** Makes the next `times` calls of `method` (optionally to one channel) hang: Slack accepted the request and never answers. */
  hangNext(method: string, options: { channel?: string; times?: number } = {}): void {
    this.failNext(method, { ...options, hang: true });
  }

  /**
   * Holds the next call of `method` (optionally to one channel) unanswered until
   * `release()`, then answers it as usual. `arrived` resolves once the call is here.
   * A hold never released leaves the call open, as hangNext does.
   */
  holdNext(method: string, options: { channel?: string } = {}): { arrived: Promise<void>; release: () => void } {
    let arrived!: () => void;
    let release!: () => void;
    const arrival = new Promise<void>((resolve) => (arrived = resolve));
    const released = new Promise<void>((resolve) => (release = resolve));
    this.failNext(method, { ...options, hold: { arrived, released } });
    return { arrived: arrival, release };
  }

  /** Takes (counts down) the first injected behaviour for this call that `kind` selects. */
  private takeInjected(method: string, args: Json, kind: (f: Failure) => boolean): Failure | undefined {
    const list = this.failures.get(method) ?? [];
    const failure = list.find((f) => kind(f) && matches(f, args));
    if (failure && --failure.times <= 0) list.splice(list.indexOf(failure), 1);
    return failure;
  }

  /** chat.postMessage to `channel` beyond `perSecond` answers 429, as Slack's per-channel limit does. */
  limitChannel(channel: string, perSecond: number, burst = perSecond): void {
    this.channelLimits.set(channel, { perSecond, burst });
    this.buckets.delete(channel);
  }

  issueTrigger(user: string): string {
    const id = `${++this.counter}.${Date.now()}.${randomBytes(4).toString('hex')}`;
    this.triggers.set(id, { user, issuedAt: this.now(), used: false });
    return id;
  }

  issueResponseUrl(channel: string, user: string): string {
    const id = randomBytes(8).toString('hex');
    this.responseUrls.set(id, { channel, user, issuedAt: this.now(), uses: 0 });
    return `${this.url}/respond/${id}`;
  }

  dmChannelOf(user: string): string {
    const id = `D${user.slice(1)}`;
    if (!this.channels.has(id)) {
      this.channels.set(id, { id, name: `dm-${this.users.get(user)?.name ?? user}`, members: new Set([user, this.botUserId]), archived: false, dm: user });
    }
    return id;
  }

  /** A message typed by a person (the driver then tells the app about it as an event). */
  postAsUser(user: string, channel: string, text: string, threadTs?: string): string {
    const where = this.channels.get(channel);
    if (!where?.members.has(user)) throw new Error(`sandbox: ${user} cannot post in ${channel}: not a member`);
    const message: SandboxMessage = { channel, ts: this.nextTs(), threadTs, user, text, history: [] };
    this.messages.push(message);
    this.visible.push({ kind: 'message', message: structuredClone(message) });
    return message.ts;
  }

  // --- queries for tests -----------------------------------------------------

  messagesIn(channel: string, options: { threadTs?: string } = {}): SandboxMessage[] {
    return this.messages.filter((m) => m.channel === channel && (options.threadTs === undefined || m.threadTs === options.threadTs));
  }
  dmsTo(user: string): SandboxMessage[] {
    return this.messagesIn(this.dmChannelOf(user));
  }
  /** The app's first answer to one command or click, by the response_url it was given (ack or reply through it). */
  answerTo(reply: { responseUrl?: string }): Ephemeral | undefined {
    return this.ephemerals.find((e) => reply.responseUrl !== undefined && e.responseUrl === reply.responseUrl);
  }

  ephemeralsFor(user: string): Ephemeral[] {
    return this.ephemerals.filter((e) => e.user === user && !e.replaced);
  }
  callsTo(method: string): ApiCall[] {
    return this.calls.filter((c) => c.method === method);
  }
  openViewOf(user: string): SandboxView | undefined {
    return [...this.views.values()].reverse().find((v) => v.user === user && v.open);
  }

  /**
   * The mentions that would notify someone: Slack parses them in the message text
   * and in mrkdwn text objects, never in plain_text.
   */
  pingsIn(message: { text: string; blocks?: Json[] }): string[] {
    const texts = [message.text, ...mrkdwnTexts(message.blocks ?? [])];
    return texts.flatMap((t) => t.match(/<!(channel|here|everyone)(\|[^>]*)?>|<!subteam\^S[A-Z0-9]+(\|[^>]*)?>|<@[UW][A-Z0-9]+(\|[^>]*)?>/g) ?? []);
  }

  /** Polls until `probe` returns something truthy; fails with `what` after `timeoutMs`. */
  async waitFor<T>(what: string, probe: () => T | undefined | null | false | Promise<T | undefined | null | false>, timeoutMs = 5000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = await probe();
      if (value) return value;
      if (Date.now() > deadline) throw new Error(`sandbox: timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  // --- HTTP -----------------------------------------------------------------

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readBody(req);
    const url = new URL(req.url ?? '/', 'http://sandbox');
    const send = (status: number, payload: Json, headers: Record<string, string> = {}) => {
      res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
      res.end(JSON.stringify(payload));
    };
    if (url.pathname.startsWith('/respond/')) {
      const [status, payload] = this.respondUrl(url.pathname.slice('/respond/'.length), parseBody(req, body));
      return send(status, payload);
    }
    if (!url.pathname.startsWith('/api/')) return send(404, { ok: false, error: 'unknown_method' });
    const method = url.pathname.slice('/api/'.length);
    const args = parseBody(req, body);
    if (this.takeInjected(method, args, (f) => f.hang === true)) {
      this.calls.push({ method, args, ok: false, error: 'no_answer', status: 0 });
      return;
    }
    const held = this.takeInjected(method, args, (f) => f.hold !== undefined)?.hold;
    if (held) {
      held.arrived();
      await held.released;
    }
    const [status, payload, headers] = this.call(method, args, req.headers.authorization);
    this.calls.push({ method, args, ok: payload.ok === true, error: payload.error, status });
    send(status, payload, headers);
  }

  private call(method: string, args: Json, authorization?: string): [number, Json, Record<string, string>?] {
    const token = authorization?.replace(/^Bearer /, '') ?? args.token;
    if (!token) return [200, { ok: false, error: 'not_authed' }];
    if (method === 'apps.connections.open') {
      if (token !== this.appToken) return [200, { ok: false, error: token.startsWith('xapp-') ? 'invalid_auth' : 'not_allowed_token_type' }];
      return [200, { ok: true, url: `${this.url.replace('http', 'ws')}/socket` }];
    }
    if (token !== this.botToken) return [200, { ok: false, error: 'invalid_auth' }];
    const handler = this.methods[method];
    if (!handler) return [404, { ok: false, error: 'unknown_method' }];
    const injected = this.injectedFailure(method, args);
    if (injected && !injected.afterApplying) return injected.answer;
    const result = handler(args);
    if (injected) return injected.answer;
    return [result.status ?? 200, result.body, result.headers];
  }

  private injectedFailure(method: string, args: Json): { answer: [number, Json, Record<string, string>?]; afterApplying: boolean } | undefined {
    const failure = this.takeInjected(method, args, (f) => !f.hang && !f.hold);
    if (failure) {
      const afterApplying = failure.afterApplying ?? false;
      if (failure.status === 429) return { afterApplying, answer: [429, { ok: false, error: 'ratelimited' }, { 'retry-after': String(failure.retryAfter ?? 1) }] };
      if (failure.status && failure.status >= 500) return { afterApplying, answer: [failure.status, { ok: false, error: 'internal_error' }] };
      return { afterApplying, answer: [200, { ok: false, error: failure.error ?? 'internal_error' }] };
    }
    if (method === 'chat.postMessage' && typeof args.channel === 'string') {
      const retryAfter = this.takeToken(args.channel);
      if (retryAfter !== undefined) return { afterApplying: false, answer: [429, { ok: false, error: 'ratelimited' }, { 'retry-after': String(retryAfter) }] };
    }
    return undefined;
  }

  /**
   * Slack's per-channel limit on chat.postMessage: about one message a second,
   * with short bursts tolerated. A token bucket per channel; beyond it, the
   * seconds until the next token, which Slack sends as Retry-After.
   */
  private takeToken(channel: string): number | undefined {
    const limit = this.channelLimits.get(channel) ?? this.rateLimit;
    if (!limit) return undefined;
    const now = this.now();
    const bucket = this.buckets.get(channel) ?? { tokens: limit.burst, at: now };
    bucket.tokens = Math.min(limit.burst, bucket.tokens + ((now - bucket.at) / 1000) * limit.perSecond);
    bucket.at = now;
    this.buckets.set(channel, bucket);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return undefined;
    }
    return Math.max(1, Math.ceil((1 - bucket.tokens) / limit.perSecond));
  }

  /** A fresh message timestamp, unique within the sandbox, as Slack's `ts`. */
  nextTs(): string {
    const micros = Date.now() * 1000 + (++this.counter % 1000);
    return `${Math.floor(micros / 1e6)}.${String(micros % 1e6).padStart(6, '0')}`;
  }

  /** A trigger_id that may still open a view (unused, under 3 seconds old), or Slack's error. */
  liveTrigger(id: string): { user: string; used: boolean } | { error: string } {
    const trigger = this.triggers.get(id);
    if (!trigger) return { error: 'invalid_trigger_id' };
    if (trigger.used || this.now() - trigger.issuedAt > TRIGGER_LIFETIME_MS) return { error: 'expired_trigger_id' };
    return trigger;
  }

  nextViewId(): string {
    return `V${++this.counter}${randomBytes(3).toString('hex').toUpperCase()}`;
  }

  /** The app's reply to a response_url, with Slack's limits on uses and age. */
  private respondUrl(id: string, args: Json): [number, Json] {
    const entry = this.responseUrls.get(id);
    if (!entry) return [404, { ok: false, error: 'no_such_url' }];
    if (this.now() - entry.issuedAt > RESPONSE_URL_LIFETIME_MS) return [404, { ok: false, error: 'expired_url' }];
    if (entry.uses >= RESPONSE_URL_USES) return [404, { ok: false, error: 'used_url' }];
    if (args.blocks) {
      const problems = messageBlockProblems(args.blocks);
      if (problems.length) return [400, { ok: false, error: 'invalid_blocks', errors: problems }];
    }
    entry.uses++;
    if (args.response_type === 'in_channel') {
      this.methods['chat.postMessage']!({ channel: entry.channel, text: args.text, blocks: args.blocks });
      return [200, { ok: true }];
    }
    const url = `${this.url}/respond/${id}`;
    if (args.replace_original === true) {
      for (const e of this.ephemerals) if (e.responseUrl === url) e.replaced = true;
    }
    this.addEphemeral({ channel: entry.channel, user: entry.user, text: args.text ?? '', blocks: args.blocks, via: 'response_url', replaced: false, responseUrl: url });
    return [200, { ok: true }];
  }

  /** Called by the driver when the app acks a command with a message body. */
  addEphemeral(ephemeral: Ephemeral): void {
    this.ephemerals.push(ephemeral);
    this.visible.push({ kind: 'ephemeral', ephemeral });
  }
}

/** Whether an injected failure applies to a call: any call, or one about its channel or user. */
const matches = (failure: Failure, args: Json) => !failure.channel || failure.channel === (args.channel ?? args.users ?? args.user_id);

function mrkdwnTexts(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(mrkdwnTexts);
  if (!value || typeof value !== 'object') return [];
  const object = value as Json;
  const own = object.type === 'mrkdwn' && typeof object.text === 'string' ? [object.text as string] : [];
  return [...own, ...Object.values(object).flatMap(mrkdwnTexts)];
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

const JSON_FIELDS = new Set(['blocks', 'attachments', 'view', 'metadata']);

/** Web API bodies are form-encoded, with structured fields as JSON strings; or plain JSON. */
function parseBody(req: IncomingMessage, body: string): Json {
  if (!body) return {};
  if ((req.headers['content-type'] ?? '').startsWith('application/json')) return JSON.parse(body) as Json;
  const args: Json = {};
  for (const [key, value] of new URLSearchParams(body)) {
    args[key] = JSON_FIELDS.has(key) ? safeJson(value) : value;
  }
  return args;
}

function safeJson(value: string): unknown {
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}
