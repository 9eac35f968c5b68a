import type { Ephemeral, SandboxMessage } from '../sandbox/slack-server.js';
import { linkButton, messageHtml, type ButtonRenderer, type Names } from './block-kit-html.js';
import { html, type Html } from './html.js';
import { messageAnchor } from './names.js';
import type { PlaygroundParts } from './playground.js';
import { href, type Where } from './where.js';

type Json = Record<string, any>;

/** A form that POSTs to the playground and comes back to the page it was on. */
export function postForm(action: string, where: Where, fields: Record<string, string>, inner: Html, className = 'inline'): Html {
  return html`<form method="post" action="${action}" class="${className}">
    <input type="hidden" name="as" value="${where.as}"><input type="hidden" name="back" value="${href(where)}">
    ${Object.entries(fields).map(([k, v]) => html`<input type="hidden" name="${k}" value="${v}">`)}${inner}</form>`;
}

function buttonsOn(where: Where, target: Record<string, string>): ButtonRenderer {
  return (button: Json) => {
    if (button.url) return linkButton(button);
    const style = button.style === 'primary' ? 'primary' : button.style === 'danger' ? 'danger' : '';
    return postForm('/click', where, { ...target, action: String(button.action_id) },
      html`<button type="submit" class="bk-button ${style}" data-action="${String(button.action_id)}">${String(button.text?.text ?? button.action_id)}</button>`);
  };
}

const author = (pg: PlaygroundParts, user: string) =>
  user === pg.slack.botUserId ? html`<span class="author bot">Frontline</span> <span class="app-tag">APP</span>` : html`<span class="author">${pg.slack.users.get(user)?.name ?? user}</span>`;

export const reactionKey = (channel: string, ts: string) => `${channel}:${ts}`;

function messageItem(pg: PlaygroundParts, where: Where, names: Names, message: SandboxMessage, inThread: boolean): Html {
  const replies = inThread ? [] : pg.slack.messagesIn(message.channel, { threadTs: message.ts });
  const reacted = [...(pg.reactions.get(reactionKey(message.channel, message.ts)) ?? [])];
  const threadLink = href({ as: where.as, view: message.channel, thread: message.ts });
  return html`<div class="message" id="${messageAnchor(message.ts)}" data-ts="${message.ts}">
    <div class="message-head">${author(pg, message.user)}${message.history.length ? html` <span class="edited">(edited)</span>` : ''}</div>
    <div class="message-body">${messageHtml(message, names, buttonsOn(where, { channel: message.channel, ts: message.ts }))}</div>
    <div class="message-foot">
      ${reacted.length ? html`<span class="reaction" title="${reacted.map(names.user).join(', ')}">👀 ${reacted.length}</span>` : ''}
      ${postForm('/react', where, { channel: message.channel, ts: message.ts }, html`<button type="submit" class="small react" title="React with :eyes:">👀 +</button>`)}
      ${inThread ? '' : html`<a class="thread-link" href="${threadLink}">${replies.length ? `${replies.length} repl${replies.length === 1 ? 'y' : 'ies'}` : 'Reply in thread'}</a>`}
    </div></div>`;
}

function ephemeralItem(pg: PlaygroundParts, where: Where, names: Names, ephemeral: Ephemeral): Html {
  const index = pg.slack.ephemerals.indexOf(ephemeral);
  return html`<div class="message ephemeral"><div class="message-head">${author(pg, pg.slack.botUserId)} <span class="only-you">Only visible to you</span></div>
    <div class="message-body">${messageHtml(ephemeral, names, buttonsOn(where, { channel: ephemeral.channel, ephemeral: String(index) }))}</div></div>`;
}

/** The channel as the acting person sees it, in the order things happened: messages, their own commands, answers only they see. */
function channelItems(pg: PlaygroundParts, where: Where, names: Names, channel: string): Html[] {
  const shown = new Set<string>();
  const items: Html[] = [];
  for (const item of pg.slack.visible) {
    if (item.kind === 'message' && item.message.channel === channel && !item.message.threadTs && !shown.has(item.message.ts)) {
      shown.add(item.message.ts);
      const current = pg.slack.messages.find((m) => m.channel === channel && m.ts === item.message.ts);
      if (current) items.push(messageItem(pg, where, names, current, false));
    } else if (item.kind === 'ephemeral' && item.ephemeral.channel === channel && item.ephemeral.user === where.as && !item.ephemeral.replaced) {
      items.push(ephemeralItem(pg, where, names, item.ephemeral));
    } else if (item.kind === 'command' && item.channel === channel && item.user === where.as) {
      items.push(html`<div class="command"><span class="author">${names.user(item.user)}</span> <code>${item.text}</code></div>`);
    }
  }
  return items;
}

function composer(where: Where, channelName: string, channel: string, thread?: string): Html {
  const placeholder = thread ? 'Reply in thread…' : `Message ${channelName}: type /escalate billing medium Customer charged twice via:phone`;
  return postForm('/compose', where, { channel, ...(thread ? { thread } : {}) },
    html`<textarea name="text" rows="2" class="composer-text" placeholder="${placeholder}" aria-label="${thread ? 'Reply' : 'Message'}"></textarea>
    <button type="submit" class="primary send">Send</button>`, thread ? 'composer thread-composer' : 'composer');
}

/** A channel or DM, with the open thread beside it. */
export function conversationHtml(pg: PlaygroundParts, where: Where, names: Names): Html {
  const channel = pg.slack.channels.get(where.view);
  if (!channel) return html`<div class="pane"><p class="notice">There is no channel ${where.view} in this workspace.</p></div>`;
  const title = channel.dm ? `Frontline (DM with ${names.user(channel.dm)})` : `#${channel.name}`;
  const member = channel.members.has(where.as);
  const items = channelItems(pg, where, names, channel.id);
  const parent = where.thread ? pg.slack.messages.find((m) => m.channel === channel.id && m.ts === where.thread) : undefined;
  return html`<div class="pane conversation">
    <section class="channel" data-live="channel">
      <header class="pane-head"><h2>${title}</h2><span class="members">${channel.members.size - 1} member${channel.members.size === 2 ? '' : 's'}${member || channel.dm ? '' : ` · ${names.user(where.as)} is not a member`}</span></header>
      <div class="messages">${items.length ? items : html`<p class="empty">Nothing here yet.</p>`}</div>
    </section>
    ${composer(where, title, channel.id)}
  </div>
  ${parent ? html`<aside class="pane thread">
    <section data-live="thread"><header class="pane-head"><h2>Thread</h2><a href="${href({ as: where.as, view: where.view })}" class="close">✕</a></header>
    <div class="messages">${messageItem(pg, where, names, parent, true)}
      <div class="replies">${pg.slack.messagesIn(channel.id, { threadTs: parent.ts }).map((m) => messageItem(pg, where, names, m, true))}</div></div></section>
    ${composer(where, title, channel.id, parent.ts)}
  </aside>` : ''}`;
}
