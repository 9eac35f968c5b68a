import { randomBytes } from 'node:crypto';
import { LIMITS, messageBlockProblems, viewProblems } from './block-kit-limits.js';
import type { Json, SandboxChannel, SandboxMessage, SandboxView, SlackSandbox } from './slack-server.js';
import { isUserId } from '../domain/slack-ids.js';

/** One Web API method's answer: Slack's JSON body, with the HTTP status and headers when they are not 200. */
export type ApiAnswer = { status?: number; body: Json; headers?: Record<string, string> };
export type ApiMethod = (args: Json) => ApiAnswer;

/**
 * The Web API methods Frontline calls, acting on the sandbox's workspace and
 * checking what Slack checks: membership, archived channels, Block Kit limits,
 * threads and messages that exist, single-use triggers.
 */
export function webApiMethods(slack: SlackSandbox): Record<string, ApiMethod> {
  return {
    'auth.test': () => ok({ url: 'https://sandbox.slack.com/', team: 'Sandbox', user: 'frontline', team_id: slack.teamId, user_id: slack.botUserId, bot_id: slack.botId }),

    'chat.postMessage': (args) => {
      const channel = postable(slack, args.channel);
      if (typeof channel === 'string') return fail(channel);
      const contentError = checkContent(args);
      if (contentError) return fail(contentError);
      if (args.blocks) {
        const problems = messageBlockProblems(args.blocks);
        if (problems.length) return fail('invalid_blocks', { errors: problems });
      }
      if (args.thread_ts && !slack.messages.some((m) => m.channel === channel.id && m.ts === args.thread_ts)) {
        return fail('thread_not_found');
      }
      const message: SandboxMessage = {
        channel: channel.id, ts: slack.nextTs(), threadTs: args.thread_ts, user: slack.botUserId,
        text: args.text ?? '', blocks: args.blocks, metadata: args.metadata, history: [],
      };
      slack.messages.push(message);
      slack.visible.push({ kind: 'message', message: structuredClone(message) });
      return ok({ channel: channel.id, ts: message.ts, message: { text: message.text, ts: message.ts, bot_id: slack.botId } });
    },

    'chat.update': (args) => {
      const channel = postable(slack, args.channel);
      if (typeof channel === 'string') return fail(channel);
      const message = slack.messages.find((m) => m.channel === args.channel && m.ts === args.ts);
      if (!message) return fail('message_not_found');
      if (message.user !== slack.botUserId) return fail('cant_update_message');
      const contentError = checkContent(args);
      if (contentError) return fail(contentError);
      if (args.blocks) {
        const problems = messageBlockProblems(args.blocks);
        if (problems.length) return fail('invalid_blocks', { errors: problems });
      }
      message.history.push({ text: message.text, blocks: message.blocks });
      message.text = args.text ?? message.text;
      message.blocks = args.blocks ?? message.blocks;
      slack.visible.push({ kind: 'update', message: structuredClone(message) });
      return ok({ channel: message.channel, ts: message.ts });
    },

    'chat.postEphemeral': (args) => {
      const channel = postable(slack, args.channel);
      if (typeof channel === 'string') return fail(channel);
      if (!channel.members.has(args.user)) return fail('user_not_in_channel');
      slack.addEphemeral({ channel: channel.id, user: args.user, text: args.text ?? '', blocks: args.blocks, via: 'chat.postEphemeral', replaced: false });
      return ok({ message_ts: slack.nextTs() });
    },

    'chat.getPermalink': (args) => {
      const message = slack.messages.find((m) => m.channel === args.channel && m.ts === args.message_ts);
      if (!message) return fail('message_not_found');
      return ok({ channel: message.channel, permalink: `https://sandbox.slack.com/archives/${message.channel}/p${message.ts.replace('.', '')}` });
    },

    'conversations.open': (args) => {
      const user = String(args.users ?? '').split(',')[0]!;
      if (!slack.users.has(user)) return fail('user_not_found');
      return ok({ channel: { id: slack.dmChannelOf(user) } });
    },

    'conversations.history': (args) => {
      const channel = slack.channels.get(args.channel);
      if (!channel) return fail('channel_not_found');
      if (!channel.members.has(slack.botUserId)) return fail('not_in_channel');
      const limit = Number(args.limit ?? 100);
      const messages = slack.messagesIn(channel.id).filter((m) => !m.threadTs).reverse().slice(0, limit);
      return ok({ messages: messages.map((m) => asApiMessage(m, args.include_all_metadata)), has_more: false });
    },

    'conversations.replies': (args) => {
      const channel = slack.channels.get(args.channel);
      if (!channel) return fail('channel_not_found');
      const parent = slack.messages.find((m) => m.channel === channel.id && m.ts === args.ts);
      if (!parent) return fail('thread_not_found');
      const replies = slack.messagesIn(channel.id, { threadTs: parent.ts });
      return ok({ messages: [parent, ...replies].map((m) => asApiMessage(m, args.include_all_metadata)), has_more: false });
    },

    'conversations.info': (args) => {
      const channel = slack.channels.get(args.channel);
      if (!channel) return fail('channel_not_found');
      return ok({ channel: { id: channel.id, name: channel.name, is_archived: channel.archived, is_member: channel.members.has(slack.botUserId) } });
    },

    'conversations.members': (args) => {
      const channel = slack.channels.get(args.channel);
      if (!channel) return fail('channel_not_found');
      return ok({ members: [...channel.members], response_metadata: { next_cursor: '' } });
    },

    'users.info': (args) => {
      const user = slack.users.get(args.user);
      if (!user) return fail('user_not_found');
      return ok({ user: userObject(user) });
    },

    // Slack shows the snooze_* fields only to the person themselves; anyone else asking sees the current
    // do-not-disturb window (dnd_enabled, next_dnd_start_ts .. next_dnd_end_ts), as a bot asking about a lead does.
    'dnd.info': (args) => {
      const user = slack.users.get(args.user);
      if (!user) return fail('user_not_found');
      const now = Math.floor(slack.now() / 1000);
      const window = user.dnd && { start: Math.floor(user.dnd.from.getTime() / 1000), end: Math.floor(user.dnd.to.getTime() / 1000) };
      return ok({ dnd_enabled: window !== undefined, next_dnd_start_ts: window?.start ?? now + 86_400, next_dnd_end_ts: window?.end ?? now + 86_400 + 3_600 });
    },

    // One page holds everyone: the sandbox's workspaces are small. Deactivated people are listed, marked deleted.
    'users.list': () => ok({ members: [...slack.users.values()].map(userObject), response_metadata: { next_cursor: '' } }),

    // Public channels, and private ones the bot is in: what a bot token can see.
    'conversations.list': () => ok({
      channels: [...slack.channels.values()].filter((c) => !c.dm).map((c) => ({ id: c.id, name: c.name, is_archived: c.archived, is_member: c.members.has(slack.botUserId) })),
      response_metadata: { next_cursor: '' },
    }),

    'usergroups.list': () => ok({
      usergroups: [...slack.usergroups.keys()].map((id) => ({ id, handle: slack.usergroupHandles.get(id) ?? id, name: slack.usergroupHandles.get(id) ?? id, date_delete: 0 })),
    }),

    'usergroups.users.list': (args) => {
      const members = slack.usergroups.get(args.usergroup);
      if (!members) return fail('no_such_subteam');
      return ok({ users: members });
    },

    'views.open': (args) => {
      const trigger = slack.liveTrigger(args.trigger_id);
      if ('error' in trigger) return fail(trigger.error);
      const problems = viewProblems(args.view ?? {});
      if (problems.length) return fail('invalid_arguments', { response_metadata: { messages: problems } });
      trigger.used = true;
      const view: SandboxView = { id: slack.nextViewId(), user: trigger.user, view: args.view, open: true, hash: randomBytes(6).toString('hex') };
      slack.views.set(view.id, view);
      slack.visible.push({ kind: 'view', view: structuredClone(view) });
      return ok({ view: { id: view.id, hash: view.hash, ...args.view } });
    },

    'views.update': (args) => {
      const view = slack.views.get(args.view_id);
      if (!view) return fail('not_found');
      if (args.hash && args.hash !== view.hash) return fail('hash_conflict');
      const problems = viewProblems(args.view ?? {});
      if (problems.length) return fail('invalid_arguments', { response_metadata: { messages: problems } });
      view.view = args.view;
      view.hash = randomBytes(6).toString('hex');
      return ok({ view: { id: view.id, hash: view.hash, ...args.view } });
    },

    'views.publish': (args) => {
      if (!slack.users.has(args.user_id)) return fail('user_not_found');
      const problems = viewProblems(args.view ?? {});
      if (problems.length) return fail('invalid_arguments', { response_metadata: { messages: problems } });
      const id = `home:${args.user_id}`;
      slack.views.set(id, { id, user: args.user_id, view: args.view, open: false, hash: randomBytes(6).toString('hex') });
      return ok({ view: { id, ...args.view } });
    },
  };
}

const userObject = (user: { id: string; name: string; tz: string; deleted?: boolean }) =>
  ({ id: user.id, name: user.name, real_name: user.name, deleted: user.deleted ?? false, tz: user.tz, profile: { display_name: user.name } });

/** A channel the bot may post in, or the error Slack would give. */
function postable(slack: SlackSandbox, channelId: string): SandboxChannel | string {
  const id = isUserId(channelId) ? slack.dmChannelOf(channelId) : channelId;
  const channel = slack.channels.get(id);
  if (!channel) return 'channel_not_found';
  if (channel.archived) return 'is_archived';
  if (!channel.members.has(slack.botUserId)) return 'not_in_channel';
  return channel;
}

function checkContent(args: Json): string | undefined {
  if (!args.text && !args.blocks) return 'no_text';
  if (typeof args.text === 'string' && args.text.length > LIMITS.messageText) return 'msg_too_long';
  return undefined;
}

function asApiMessage(m: SandboxMessage, withMetadata: unknown): Json {
  const metadata = withMetadata === true || withMetadata === 'true' ? { metadata: m.metadata } : {};
  return { type: 'message', ts: m.ts, thread_ts: m.threadTs, user: m.user, text: m.text, blocks: m.blocks, ...metadata };
}

const ok = (body: Json = {}): ApiAnswer => ({ body: { ok: true, ...body } });
const fail = (error: string, extra: Json = {}): ApiAnswer => ({ body: { ok: false, error, ...extra } });
