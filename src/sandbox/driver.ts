import { randomBytes } from 'node:crypto';
import { signatureHeaders } from '../slack/request-signature.js';
import type { SandboxMessage, SandboxView, SlackSandbox } from './slack-server.js';

type Json = Record<string, any>;

export interface AppReply {
  status: number;
  /** The app's HTTP body, parsed as JSON when it is JSON. */
  body: Json | string;
  ms: number;
  /** For commands and clicks: the response_url handed to the app, so a test can find this request's answer. */
  responseUrl?: string;
  /** The exact request sent over HTTP, signature included: what an attacker who captured it could replay. */
  request?: SentRequest;
}

export interface SentRequest {
  body: string;
  headers: Record<string, string>;
}

export interface SignOptions {
  /** Seconds since the epoch; defaults to now. */
  timestamp?: number;
  secret?: string;
  retryNum?: number;
  retryReason?: string;
}

const ACK_DEADLINE_MS = 3000;

/** How requests reach the app: signed HTTP POSTs to /slack/events, or envelopes over Socket Mode. */
export type Transport = { kind: 'http'; appUrl: string } | { kind: 'socket' };

type EnvelopeType = 'slash_commands' | 'interactive' | 'events_api';

/**
 * Plays the part of Slack's servers towards the app: slash commands, button
 * clicks, modal submissions and events, with the app's acks applied back to the
 * sandbox (ephemeral replies, modal errors).
 */
export class SlackDriver {
  constructor(private readonly slack: SlackSandbox, private readonly transport: Transport) {}

  sign(body: string, options: SignOptions = {}): Record<string, string> {
    return {
      ...signatureHeaders(options.secret ?? this.slack.signingSecret, body, options.timestamp),
      ...(options.retryNum ? { 'x-slack-retry-num': String(options.retryNum), 'x-slack-retry-reason': options.retryReason ?? 'http_timeout' } : {}),
    };
  }

  /** Sends a raw body with the given content type, signed unless `sign` is false. */
  async post(body: string, contentType: string, options: SignOptions & { sign?: boolean } = {}): Promise<AppReply> {
    const headers = { 'content-type': contentType, ...(options.sign === false ? {} : this.sign(body, options)) };
    return this.send({ body, headers });
  }

  /** Sends a request captured earlier, byte for byte and with its signature: a replay. */
  resend(request: SentRequest | undefined): Promise<AppReply> {
    if (!request) throw new Error('sandbox: only requests sent over HTTP can be replayed');
    return this.send(request);
  }

  private async send({ body, headers }: SentRequest): Promise<AppReply> {
    const started = Date.now();
    if (this.transport.kind !== 'http') throw new Error('sandbox: raw HTTP posts need the HTTP transport');
    const response = await fetch(this.transport.appUrl, { method: 'POST', headers, body, signal: AbortSignal.timeout(10_000) });
    const text = await response.text();
    const ms = Date.now() - started;
    if (ms > ACK_DEADLINE_MS) throw new Error(`the app took ${ms} ms to answer; Slack gives up after 3 s (operation_timeout)`);
    let parsed: Json | string = text;
    try {
      parsed = text ? (JSON.parse(text) as Json) : '';
    } catch { /* plain text body */ }
    return { status: response.status, body: parsed, ms, request: { body, headers } };
  }

  /** Delivers a request the way the transport does: form or JSON over HTTP, or an envelope over the socket. */
  private async deliver(type: EnvelopeType, payload: Json, options: SignOptions = {}): Promise<AppReply> {
    if (this.transport.kind === 'socket') {
      const started = Date.now();
      const retry = options.retryNum ? { num: options.retryNum, reason: options.retryReason ?? 'timeout' } : undefined;
      const ack = await this.slack.deliverEnvelope(type, payload, retry);
      if (ack === undefined) throw new Error('the app did not ack within 3 s; Slack gives up (operation_timeout)');
      return { status: 200, body: Object.keys(ack).length ? ack : '', ms: Date.now() - started };
    }
    if (type === 'events_api') return this.post(JSON.stringify(payload), 'application/json', options);
    const fields = type === 'interactive' ? { payload } : payload;
    const body = new URLSearchParams(Object.entries(fields).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)])).toString();
    return this.post(body, 'application/x-www-form-urlencoded', options);
  }

  private userFields(user: string) {
    const name = this.slack.users.get(user)?.name ?? user;
    return { id: user, username: name, name, team_id: this.slack.teamId };
  }

  /** `/escalate <text>` typed by `user` in `channel`. An ephemeral ack is shown to the user, as Slack does. */
  async slash(user: string, channel: string, text: string, options: SignOptions & { triggerId?: string } = {}): Promise<AppReply> {
    this.slack.visible.push({ kind: 'command', user, channel, text: `/escalate ${text}`.trim() });
    const responseUrl = this.slack.issueResponseUrl(channel, user);
    const reply = await this.deliver('slash_commands', {
      token: 'legacy-verification-token',
      team_id: this.slack.teamId,
      team_domain: 'sandbox',
      channel_id: channel,
      channel_name: this.slack.channels.get(channel)?.name ?? channel,
      user_id: user,
      user_name: this.slack.users.get(user)?.name ?? user,
      command: '/escalate',
      text,
      api_app_id: 'A0FRONTLINE',
      is_enterprise_install: 'false',
      response_url: responseUrl,
      trigger_id: options.triggerId ?? this.slack.issueTrigger(user),
    }, options);
    if (reply.status === 200 && typeof reply.body === 'object' && (reply.body.text || reply.body.blocks)) {
      this.slack.addEphemeral({ channel, user, text: reply.body.text ?? '', blocks: reply.body.blocks, via: 'ack', replaced: false, responseUrl });
    }
    return { ...reply, responseUrl };
  }

  /** Clicks the button `actionId` on a message the user can see. */
  async click(user: string, message: SandboxMessage, actionId: string, options: SignOptions = {}): Promise<AppReply> {
    const found = findButton(message.blocks ?? [], actionId);
    if (!found) throw new Error(`sandbox: no "${actionId}" button on message ${message.ts}`);
    this.slack.visible.push({ kind: 'click', user, channel: message.channel, label: found.button.text.text });
    const responseUrl = this.slack.issueResponseUrl(message.channel, user);
    const payload = {
      type: 'block_actions',
      user: this.userFields(user),
      api_app_id: 'A0FRONTLINE',
      token: 'legacy-verification-token',
      container: { type: 'message', message_ts: message.ts, channel_id: message.channel, is_ephemeral: false },
      trigger_id: this.slack.issueTrigger(user),
      team: { id: this.slack.teamId, domain: 'sandbox' },
      channel: { id: message.channel, name: this.slack.channels.get(message.channel)?.name ?? message.channel },
      message: { type: 'message', ts: message.ts, text: message.text, blocks: message.blocks, bot_id: this.slack.botId, user: message.user },
      response_url: responseUrl,
      actions: [{ action_id: actionId, block_id: found.blockId, text: found.button.text, value: found.button.value, type: 'button', action_ts: String(Date.now() / 1000) }],
    };
    return { ...(await this.deliver('interactive', payload, options)), responseUrl };
  }

  /**
   * Submits the user's open modal with `values` keyed by block id (an option's
   * value for selects and radio buttons, text for inputs). Returns the app's ack;
   * the view stays open when the ack carries errors.
   */
  async submit(user: string, values: Record<string, string | undefined>, options: SignOptions & { view?: SandboxView } = {}): Promise<AppReply> {
    const view = options.view ?? this.slack.openViewOf(user);
    if (!view) throw new Error(`sandbox: ${user} has no open modal`);
    this.slack.visible.push({ kind: 'submit', user, view, values });
    const payload = {
      type: 'view_submission',
      team: { id: this.slack.teamId, domain: 'sandbox' },
      user: this.userFields(user),
      api_app_id: 'A0FRONTLINE',
      token: 'legacy-verification-token',
      trigger_id: this.slack.issueTrigger(user),
      view: { ...view.view, id: view.id, hash: view.hash, team_id: this.slack.teamId, state: { values: stateValues(view.view, values) } },
      response_urls: [],
    };
    const reply = await this.deliver('interactive', payload, options);
    const ack = typeof reply.body === 'object' ? reply.body : {};
    if (reply.status === 200 && ack.response_action !== 'errors') view.open = false;
    return reply;
  }

  /**
   * Picks `value` in the input `blockId` of the user's open modal, with `typed`
   * as the rest of the form so far. Slack tells the app only when the input
   * block asks for it (`dispatch_action`); otherwise nothing is sent.
   */
  async choose(user: string, blockId: string, value: string, typed: Record<string, string | undefined> = {}): Promise<AppReply | undefined> {
    const view = this.slack.openViewOf(user);
    if (!view) throw new Error(`sandbox: ${user} has no open modal`);
    const block = (view.view.blocks ?? []).find((b: Json) => b.type === 'input' && b.block_id === blockId);
    if (!block) throw new Error(`sandbox: no input "${blockId}" in ${user}'s modal`);
    if (!block.dispatch_action) return undefined;
    const values = { ...typed, [blockId]: value };
    const state = stateValues(view.view, values);
    const payload = {
      type: 'block_actions',
      user: this.userFields(user),
      api_app_id: 'A0FRONTLINE',
      token: 'legacy-verification-token',
      container: { type: 'view', view_id: view.id },
      trigger_id: this.slack.issueTrigger(user),
      team: { id: this.slack.teamId, domain: 'sandbox' },
      view: { ...view.view, id: view.id, hash: view.hash, team_id: this.slack.teamId, state: { values: state } },
      actions: [{ ...state[blockId][block.element.action_id], action_id: block.element.action_id, block_id: blockId, action_ts: String(Date.now() / 1000) }],
    };
    return this.deliver('interactive', payload);
  }

  /**
   * The user closes (cancels) their open modal, with `typed` as what it held.
   * Slack sends `view_closed` only when the view asked for it (`notify_on_close`).
   */
  async close(user: string, typed: Record<string, string | undefined> = {}): Promise<AppReply | undefined> {
    const view = this.slack.openViewOf(user);
    if (!view) throw new Error(`sandbox: ${user} has no open modal`);
    view.open = false;
    if (!view.view.notify_on_close) return undefined;
    return this.deliver('interactive', {
      type: 'view_closed',
      team: { id: this.slack.teamId, domain: 'sandbox' },
      user: this.userFields(user),
      api_app_id: 'A0FRONTLINE',
      token: 'legacy-verification-token',
      view: { ...view.view, id: view.id, hash: view.hash, team_id: this.slack.teamId, state: { values: stateValues(view.view, typed) } },
      is_cleared: false,
    });
  }

  /** A person's reply in a message's thread: recorded in the sandbox and delivered as a `message` event. */
  reply(user: string, parent: SandboxMessage, text: string, options: SignOptions & { eventId?: string } = {}): Promise<AppReply> {
    const ts = this.slack.postAsUser(user, parent.channel, text, parent.ts);
    return this.event({
      type: 'message', channel: parent.channel, user, text, ts, thread_ts: parent.ts,
      parent_user_id: parent.user, channel_type: 'channel', event_ts: ts,
    }, options);
  }

  /** A person's message in a channel or in the bot's DM (`D…`), delivered as a `message` event. */
  say(user: string, channel: string, text: string, options: SignOptions & { eventId?: string } = {}): Promise<AppReply> {
    const ts = this.slack.postAsUser(user, channel, text);
    const channelType = channel.startsWith('D') ? 'im' : 'channel';
    return this.event({ type: 'message', channel, user, text, ts, channel_type: channelType, event_ts: ts }, options);
  }

  /** A reaction added to a message, delivered as `reaction_added`. */
  react(user: string, message: SandboxMessage, reaction: string, options: SignOptions & { eventId?: string } = {}): Promise<AppReply> {
    return this.event({
      type: 'reaction_added', user, reaction, item_user: message.user,
      item: { type: 'message', channel: message.channel, ts: message.ts }, event_ts: String(Date.now() / 1000),
    }, options);
  }

  /** An Events API callback, JSON as Slack sends it. */
  event(event: Json, options: SignOptions & { eventId?: string } = {}): Promise<AppReply> {
    return this.deliver('events_api', {
      token: 'legacy-verification-token',
      team_id: this.slack.teamId,
      api_app_id: 'A0FRONTLINE',
      event,
      type: 'event_callback',
      event_id: options.eventId ?? `Ev${randomBytes(5).toString('hex').toUpperCase()}`,
      event_time: Math.floor(Date.now() / 1000),
      authorizations: [{ team_id: this.slack.teamId, user_id: this.slack.botUserId, is_bot: true }],
    }, options);
  }
}

function findButton(blocks: Json[], actionId: string) {
  for (const block of blocks) {
    for (const element of block.type === 'actions' ? block.elements : block.accessory ? [block.accessory] : []) {
      if (element.type === 'button' && element.action_id === actionId) return { blockId: block.block_id as string, button: element };
    }
  }
  return undefined;
}

/** Builds `view.state.values` the way Slack does for each input element type. */
function stateValues(view: Json, values: Record<string, string | undefined>): Json {
  const state: Json = {};
  for (const block of view.blocks ?? []) {
    if (block.type !== 'input') continue;
    const element = block.element;
    const given = values[block.block_id];
    const option = (element.options ?? []).find((o: Json) => o.value === given);
    const value =
      element.type === 'plain_text_input'
        ? { type: element.type, value: given ?? null }
        : element.type === 'multi_users_select'
        ? { type: element.type, selected_users: given ? given.split(',') : [] }
        : { type: element.type, selected_option: given === undefined ? null : (option ?? { text: { type: 'plain_text', text: given }, value: given }) };
    state[block.block_id] = { [element.action_id]: value };
  }
  return state;
}
