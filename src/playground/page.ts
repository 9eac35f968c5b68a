import { isUserId } from '../domain/slack-ids.js';
import { FRONTLINE_CHANNEL } from '../sandbox/workspace.js';
import { messageHtml, type Names } from './block-kit-html.js';
import { CLOCK_MOVES } from './clock-moves.js';
import { CLIENT_SCRIPT } from './client-script.js';
import { conversationHtml, postForm } from './conversation.js';
import { html, raw, type Html } from './html.js';
import { matrixPageHtml } from './matrix-page.js';
import { modalHtml } from './modal.js';
import { namesFor } from './names.js';
import { peopleOf } from './people.js';
import type { PlaygroundParts } from './playground.js';
import { STYLES } from './styles.js';
import { href, type Where } from './where.js';

/** Who acts, unless the page says otherwise: the phone agent, in #frontline. */
export const DEFAULT_PERSON = 'U0ALEX';
export const DEFAULT_VIEW = FRONTLINE_CHANNEL;

function personPicker(pg: PlaygroundParts, where: Where): Html {
  const people = peopleOf(pg.slack, pg.app.ctx.matrix);
  return html`<form method="get" action="/" class="person-picker">
    <input type="hidden" name="view" value="${where.view}">
    <label for="as">Acting as</label>
    <select name="as" id="as" data-autosubmit>${people.map((p) => html`<option value="${p.id}" ${p.id === where.as ? 'selected' : ''}>${p.name}${p.roles.length ? ` — ${p.roles.join(', ')}` : ''}</option>`)}</select>
    <noscript><button type="submit">Switch</button></noscript></form>`;
}

function topBar(pg: PlaygroundParts, where: Where): Html {
  const now = pg.clock.now();
  return html`<header class="top-bar">
    <div class="brand">Frontline playground</div>
    <div class="clock" data-live="clock"><span class="clock-label">App clock</span>
      <time id="app-clock" class="date" datetime="${now.toISOString()}" data-format="{date_short_pretty} {time}" data-ticking>${now.toISOString()}</time>
      ${Object.entries(CLOCK_MOVES).map(([move, label]) => postForm('/clock', where, { move }, html`<button type="submit" class="clock-move" data-move="${move}">${label}</button>`))}
    </div>
    <div class="story" data-live="story">${postForm('/story', where, {}, html`<button type="submit" class="primary" ${pg.story.running ? 'disabled' : ''}>▶ Play the story</button>`)}
      ${pg.story.caption ? html`<span class="story-caption" role="status">${pg.story.caption}</span>` : ''}</div>
    ${personPicker(pg, where)}
  </header>`;
}

function sidebar(pg: PlaygroundParts, where: Where, names: Names): Html {
  const link = (view: string, label: string | Html, extra = '') =>
    html`<li class="${where.view === view ? 'active' : ''}"><a href="${href({ as: where.as, view })}" ${raw(extra)}>${label}</a></li>`;
  const channels = [...pg.slack.channels.values()].filter((c) => !c.dm)
    .sort((a, b) => (a.id === FRONTLINE_CHANNEL ? -1 : b.id === FRONTLINE_CHANNEL ? 1 : a.name.localeCompare(b.name)));
  const dm = pg.slack.dmChannelOf(where.as);
  return html`<nav class="sidebar">
    <h3>Channels</h3><ul>${channels.map((c) => link(c.id, html`# ${c.name}${c.members.has(where.as) ? '' : html` <small>(not a member)</small>`}`))}</ul>
    <h3>Direct messages</h3><ul>${link(dm, html`Frontline <small>(${names.user(where.as)}'s DM)</small>`)}</ul>
    <h3>Apps</h3><ul><li class="${where.view === 'home' ? 'active' : ''}">${postForm('/home', { as: where.as, view: 'home' }, {}, html`<button type="submit" class="link">Frontline Home tab</button>`)}</li>
      ${link('digests', 'Digest inbox')}</ul>
    <h3>Playground</h3><ul>${link('matrix', 'Routing matrix')}</ul>
  </nav>`;
}

function homePane(pg: PlaygroundParts, where: Where, names: Names): Html {
  const view = pg.slack.views.get(`home:${where.as}`);
  return html`<div class="pane home"><section data-live="home"><header class="pane-head"><h2>Frontline · Home</h2>
    <span class="members">${names.user(where.as)}'s Home tab, as the app last published it</span></header>
    <div class="messages">${view ? messageHtml({ text: '', blocks: view.view.blocks }, names, () => html``) : html`<p class="empty">Not published yet.</p>`}</div></section></div>`;
}

function digestPane(pg: PlaygroundParts, where: Where, names: Names): Html {
  const digests = pg.app.ctx.matrix.digests.map((d) => {
    const channel = isUserId(d.to) ? pg.slack.dmChannelOf(d.to) : d.to;
    const sent = pg.slack.messagesIn(channel).filter((m) => !m.threadTs).reverse();
    return html`<section class="digest"><h3>${d.name} <small>to ${isUserId(d.to) ? `@${names.user(d.to)}` : `#${names.channel(d.to)}`}, "${d.schedule}" (${d.timezone})</small></h3>
      ${sent.length ? sent.map((m) => html`<div class="message"><div class="message-body">${messageHtml(m, names, () => html``)}</div></div>`) : html`<p class="empty">None sent yet: the clock's "Next digest" moves to its next slot.</p>`}</section>`;
  });
  return html`<div class="pane digests"><section data-live="digests"><header class="pane-head"><h2>Digest inbox</h2>
    <span class="members">every digest the matrix schedules, newest first</span></header><div class="messages">${digests}</div></section></div>`;
}

function mainPane(pg: PlaygroundParts, where: Where, names: Names): Html {
  if (where.view === 'home') return homePane(pg, where, names);
  if (where.view === 'digests') return digestPane(pg, where, names);
  if (where.view === 'matrix') return matrixPageHtml(pg, where);
  return conversationHtml(pg, where, names);
}

/** The whole page for one person at one place. */
export function pageHtml(pg: PlaygroundParts, where: Where): Html {
  const names = namesFor(pg.slack, where);
  const view = pg.slack.openViewOf(where.as);
  const notice = pg.notices.get(where.as);
  return html`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Frontline playground</title>
<meta name="viewport" content="width=device-width, initial-scale=1"><style>${raw(STYLES)}</style></head>
<body data-version="${versionOf(pg)}">
${topBar(pg, where)}
<div class="notice-bar" data-live="notice">${notice ? html`<p class="notice" role="alert">${notice}</p>` : ''}</div>
<div class="layout">${sidebar(pg, where, names)}<main>${mainPane(pg, where, names)}</main></div>
<div data-live="modal-slot">${view ? modalHtml(view, where, names, pg.modalErrors.get(where.as)) : ''}</div>
<script>${raw(CLIENT_SCRIPT)}</script></body></html>`;
}

/** Changes anywhere in the workspace; the page polls it and refreshes its live parts when it moves. */
export function versionOf(pg: PlaygroundParts): string {
  const openViews = [...pg.slack.views.values()].filter((v) => v.open).length;
  return `${pg.slack.visible.length}.${pg.slack.calls.length}.${pg.changes}.${openViews}`;
}
