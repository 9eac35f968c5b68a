import { html, raw, type Html } from './html.js';

/**
 * Block Kit as a browser shows it: the blocks Frontline sends (header, section,
 * fields, context, actions, divider) and the mrkdwn inside them, with names for
 * ids and `<!date^…>` tokens left for the browser to show in its own time zone.
 * Every piece of text is escaped: what an agent typed is shown, never run.
 */

type Json = Record<string, any>;

export interface Names {
  user(id: string): string;
  channel(id: string): string;
  group(id: string): string;
  /** A Slack permalink turned into a link within the playground, when it points at a message it knows. */
  permalink(url: string): string | undefined;
}

/** How a button is drawn: the caller knows which message it is on and where a click goes. */
export type ButtonRenderer = (button: Json, blockId: string) => Html;

const EMOJI: Record<string, string> = {
  white_check_mark: '✅', inbox_tray: '📥', warning: '⚠️', raising_hand: '🙋', hourglass_flowing_sand: '⏳',
  hourglass: '⌛', books: '📚', eyes: '👀', no_entry: '⛔', x: '❌', link: '🔗', rotating_light: '🚨', bell: '🔔',
  arrows_counterclockwise: '🔄', speech_balloon: '💬', bar_chart: '📊', calendar: '📅', mailbox: '📬', tada: '🎉',
  leftwards_arrow_with_hook: '↩️', alarm_clock: '⏰', double_vertical_bar: '⏸️', arrow_forward: '▶️', twisted_rightwards_arrows: '🔀',
  bulb: '💡', busts_in_silhouette: '👥', heavy_minus_sign: '➖', heavy_plus_sign: '➕', memo: '📝', arrow_right: '➡️', repeat: '🔁', information_source: 'ℹ️', clipboard: '📋',
};

const emoji = (text: string) => text.replace(/:([a-z0-9_+-]+):/g, (whole, name: string) => EMOJI[name] ?? whole);

/** Slack's own escapes in message text: &amp; &lt; &gt;, and nothing else. */
const unescapeSlack = (text: string) => text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');

const escapeText = (text: string) => html`${text}`.text;

const SAFE_URL = /^(https?:|mailto:)/i;

/** One `<…>` control sequence: a mention, a channel, a date, a link. */
function controlHtml(inner: string, names: Names): string {
  const [target = '', label] = splitOnce(inner, '|');
  if (/^@[UW][A-Z0-9]+$/.test(target)) return html`<span class="mention">@${names.user(target.slice(1))}</span>`.text;
  if (/^#[CGD][A-Z0-9]+$/.test(target)) return html`<span class="mention">#${names.channel(target.slice(1))}</span>`.text;
  if (target.startsWith('!subteam^')) return html`<span class="mention">@${names.group(target.slice('!subteam^'.length))}</span>`.text;
  if (target.startsWith('!date^')) {
    const [, unix = '', format = ''] = target.split('^');
    const at = new Date(Number(unix) * 1000);
    if (Number.isNaN(at.getTime())) return escapeText(unescapeSlack(label ?? inner));
    return html`<time class="date" datetime="${at.toISOString()}" data-format="${format}">${unescapeSlack(label ?? at.toISOString())}</time>`.text;
  }
  if (/^!(channel|here|everyone)$/.test(target)) return html`<span class="mention">@${target.slice(1)}</span>`.text;
  const url = unescapeSlack(target);
  if (SAFE_URL.test(url)) {
    const local = names.permalink(url);
    const text = unescapeSlack(label ?? url);
    return local
      ? html`<a href="${local}" title="${url}">${text}</a>`.text
      : html`<a href="${url}" title="${url}" target="_blank" rel="noopener noreferrer">${text}</a>`.text;
  }
  return escapeText(`<${unescapeSlack(inner)}>`);
}

function splitOnce(text: string, separator: string): [string, string | undefined] {
  const at = text.indexOf(separator);
  return at === -1 ? [text, undefined] : [text.slice(0, at), text.slice(at + 1)];
}

/** *bold*, _italic_, ~strike~ and `code` on text already escaped for HTML. */
function styled(escaped: string): string {
  return escaped
    .replace(/`([^`\n]+)`/g, '<code>$1</code>')
    .replace(/(^|[\s(])\*([^*\n]+)\*(?=$|[\s).,:;!?])/g, '$1<b>$2</b>')
    .replace(/(^|[\s(])_([^_\n]+)_(?=$|[\s).,:;!?])/g, '$1<i>$2</i>')
    .replace(/(^|[\s(])~([^~\n]+)~(?=$|[\s).,:;!?])/g, '$1<s>$2</s>');
}

/** Slack mrkdwn as HTML. Control sequences are set aside first, so that styling never reaches inside a link. */
export function mrkdwnHtml(text: string, names: Names): Html {
  const controls: string[] = [];
  const marked = text.replace(/<([^<>]*)>/g, (_, inner: string) => `\u0000${controls.push(controlHtml(inner, names)) - 1}\u0000`);
  const lines = marked.split('\n').map((line) => {
    const quoted = line.startsWith('>');
    const body = styled(escapeText(emoji(unescapeSlack(quoted ? line.slice(1) : line))));
    return quoted ? `<blockquote>${body}</blockquote>` : `${body}<br>`;
  });
  const joined = lines.join('').replace(/<br>$/, '');
  return raw(joined.replace(/\u0000(\d+)\u0000/g, (_, i: string) => controls[Number(i)]!));
}

/** A text object: mrkdwn, or plain text (escaped, with emoji). */
export function textHtml(object: Json | undefined, names: Names): Html {
  if (!object) return raw('');
  if (object.type === 'mrkdwn') return mrkdwnHtml(String(object.text ?? ''), names);
  return html`${emoji(String(object.text ?? ''))}`;
}

function blockHtml(block: Json, names: Names, button: ButtonRenderer): Html {
  switch (block.type) {
    case 'header':
      return html`<div class="bk-header">${textHtml(block.text, names)}</div>`;
    case 'section':
      return html`<div class="bk-section"><div class="bk-section-body">
        ${block.text ? html`<div class="bk-text">${textHtml(block.text, names)}</div>` : ''}
        ${block.fields ? html`<div class="bk-fields">${(block.fields as Json[]).map((f) => html`<div>${textHtml(f, names)}</div>`)}</div>` : ''}
        </div>${block.accessory?.type === 'button' ? button(block.accessory, block.block_id) : ''}</div>`;
    case 'context':
      return html`<div class="bk-context">${(block.elements as Json[]).map((e) => html`<span>${textHtml(e, names)}</span>`)}</div>`;
    case 'actions':
      return html`<div class="bk-actions">${(block.elements as Json[]).filter((e) => e.type === 'button').map((e) => button(e, block.block_id))}</div>`;
    case 'divider':
      return html`<hr class="bk-divider">`;
    default:
      return html`<div class="bk-unknown">[${String(block.type)} block]</div>`;
  }
}

/** A message: its blocks when it has any, else its text (as Slack shows it). */
export function messageHtml(message: { text: string; blocks?: Json[] }, names: Names, button: ButtonRenderer): Html {
  if (message.blocks?.length) return html`${message.blocks.map((b) => blockHtml(b, names, button))}`;
  return html`<div class="bk-text">${mrkdwnHtml(message.text, names)}</div>`;
}

/** A button that opens a link (Block Kit's `url`): a plain link, showing where it goes. */
export function linkButton(button: Json): Html {
  const url = String(button.url);
  if (!SAFE_URL.test(url)) return html`<span class="bk-button">${textHtml(button.text, { user: String, channel: String, group: String, permalink: () => undefined })}</span>`;
  return html`<a class="bk-button" href="${url}" title="${url}" target="_blank" rel="noopener noreferrer">${emoji(String(button.text?.text ?? url))}</a>`;
}
