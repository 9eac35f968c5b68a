import type { SlackSandbox } from '../sandbox/slack-server.js';
import type { Names } from './block-kit-html.js';
import { href, type Where } from './where.js';

/** Names for ids as the sandbox knows them, and the sandbox's permalinks as links within the page. */
export function namesFor(slack: SlackSandbox, where: Where): Names {
  return {
    user: (id) => slack.users.get(id)?.name ?? id,
    channel: (id) => {
      const channel = slack.channels.get(id);
      return channel?.dm ? `dm-${slack.users.get(channel.dm)?.name ?? channel.dm}` : channel?.name ?? id;
    },
    group: (id) => slack.usergroupHandles.get(id) ?? id,
    permalink: (url) => {
      const found = /^https:\/\/sandbox\.slack\.com\/archives\/([A-Z0-9]+)\/p(\d{7,})(\d{6})$/.exec(url);
      if (!found) return undefined;
      const [, channel, seconds, micros] = found;
      const ts = `${seconds}.${micros}`;
      const message = slack.messages.find((m) => m.channel === channel && m.ts === ts);
      if (!message) return undefined;
      return `${href({ as: where.as, view: channel!, ...(message.threadTs ? { thread: message.threadTs } : {}) })}#${messageAnchor(ts)}`;
    },
  };
}

export const messageAnchor = (ts: string) => `m-${ts.replace('.', '-')}`;
