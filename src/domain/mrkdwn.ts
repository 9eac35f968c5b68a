import { TZDate } from '@date-fns/tz';
import { format } from 'date-fns/format';
import { isGroupId } from './slack-ids.js';

/**
 * Untrusted text in Slack messages. Escaping exactly &, < and > is what Slack asks
 * for: without it `<!channel>` or `<@U123>` typed by an agent would ping people.
 */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/**
 * Cuts text to `max` characters with an ellipsis, never splitting an escape
 * sequence such as `&amp;` or a surrogate pair.
 */
export function truncate(text: string, max: number, ellipsis = '…'): string {
  if (text.length <= max) return text;
  let cut = max - ellipsis.length;
  const entity = text.lastIndexOf('&', cut);
  if (entity !== -1 && entity > cut - 5 && text.indexOf(';', entity) >= cut) cut = entity;
  if (/[\uD800-\uDBFF]/.test(text.charAt(cut - 1))) cut -= 1;
  return text.slice(0, cut) + ellipsis;
}

/** Escapes untrusted text, then fits it into a Block Kit text field of `max` characters. */
export function safeText(text: string, max: number): string {
  return truncate(escapeMrkdwn(text), max);
}

/** A date Slack renders in each reader's own time zone; the fallback is UTC. */
export function slackDate(at: Date, format = '{date_short_pretty} {time}'): string {
  const unix = Math.floor(at.getTime() / 1000);
  return `<!date^${unix}^${format}|${at.toISOString().replace(/\.\d+Z$/, 'Z')}>`;
}

export const mentionUser = (id: string) => (isGroupId(id) ? `<!subteam^${id}>` : `<@${id}>`);
export const mentionChannel = (id: string) => `<#${id}>`;

export interface PlainTextOptions {
  /** Zone for date tokens. */
  timezone: string;
  /** Display names for user and channel ids; the id itself when not given. */
  userName?: (id: string) => string;
  channelName?: (id: string) => string;
  /** What each :emoji: becomes; an empty string drops it with its space. Unknown ones stay as written. */
  emoji?: Record<string, string>;
}

/** Slack mrkdwn as a person reads it in a terminal: names for ids, local times for date tokens, no markup. */
export function mrkdwnToText(text: string, options: PlainTextOptions): string {
  const user = options.userName ?? ((id: string) => id);
  const channel = options.channelName ?? ((id: string) => id);
  const emoji = options.emoji ?? {};
  return text
    .replace(/<@([UW][A-Z0-9]+)(\|[^>]*)?>/g, (_, id: string) => `@${user(id)}`)
    .replace(/<#([CGD][A-Z0-9]+)(\|[^>]*)?>/g, (_, id: string) => `#${channel(id)}`)
    .replace(/<!subteam\^(S[A-Z0-9]+)(\|[^>]*)?>/g, (_, id: string) => `@${id.slice(2).toLowerCase()}-team`)
    .replace(/<!date\^(\d+)\^[^|>]*\|[^>]*>/g, (_, unix: string) => format(new TZDate(Number(unix) * 1000, options.timezone), 'EEE d MMM HH:mm'))
    .replace(/<!(channel|here|everyone)>/g, '@$1')
    .replace(/<(https?:[^|>]+)\|([^>]+)>/g, '$2')
    .replace(/:([a-z_]+):( ?)/g, (whole, name: string, space: string) => (name in emoji ? (emoji[name] ? `${emoji[name]}${space}` : '') : whole))
    .replace(/(^|\s)\*([^*\n]+)\*/g, '$1$2')
    .replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}
