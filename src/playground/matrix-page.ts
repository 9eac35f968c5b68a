import type { Matrix } from '../domain/routing/matrix.js';
import { postForm } from './conversation.js';
import { html, type Html } from './html.js';
import { checkDraft, type DraftCheck } from './matrix-editor.js';
import type { PlaygroundParts } from './playground.js';
import type { Where } from './where.js';

/** The problems `check` finds, each shown under the line it is about (or at the top when it has none). */
export function problemsHtml(text: string, checked: DraftCheck): Html {
  if (!checked.problems.length) {
    const size = checked.matrix ? `${Object.keys(checked.matrix.teams).length} teams, ${checked.matrix.routes.length} routes.` : '';
    return html`<div id="problems" class="problems ok" data-count="0">✅ check: OK. ${size}</div>`;
  }
  const byLine = new Map<number, string[]>();
  const unplaced: string[] = [];
  for (const p of checked.problems) {
    if (p.line) byLine.set(p.line, [...(byLine.get(p.line) ?? []), p.text]);
    else unplaced.push(p.text);
  }
  const lines = text.split('\n');
  // Only the lines around each problem: the whole file is in the text area above.
  const near = new Set<number>();
  for (const line of byLine.keys()) for (let n = line - 2; n <= line + 1; n++) if (n >= 1 && n <= lines.length) near.add(n);
  const shown = [...near].sort((a, b) => a - b);
  const count = checked.problems.length;
  return html`<div id="problems" class="problems" data-count="${String(count)}">
    <p class="problem-count">${count} problem${count === 1 ? '' : 's'} in the routing matrix:</p>
    ${unplaced.map((t) => html`<div class="problem">${t}</div>`)}
    <pre class="code">${shown.map((n, i) => html`${i > 0 && shown[i - 1]! < n - 1 ? html`<span class="gap">…</span>\n` : ''}<span class="line${byLine.has(n) ? ' bad' : ''}" data-line="${String(n)}"><span class="no">${String(n).padStart(4)}</span> ${lines[n - 1]}</span>
${(byLine.get(n) ?? []).map((t) => html`<span class="problem" data-line="${String(n)}">     ^ line ${String(n)}: ${t}</span>\n`)}`)}</pre></div>`;
}

const choices = (name: string, values: string[], chosen?: string) =>
  html`<select name="${name}" id="explain-${name}">${values.map((v) => html`<option value="${v}" ${v === chosen ? 'selected' : ''}>${v}</option>`)}</select>`;

function explainForm(where: Where, matrix: Matrix, pg: PlaygroundParts): Html {
  const q = pg.editor.question;
  return html`<section class="explain"><h3>Explain</h3>
    <p class="hint">Which route an issue would take, and its deadlines if filed now, by the matrix in the editor.</p>
    ${postForm('/matrix/explain', where, {}, html`
      <label>Category ${choices('category', Object.keys(matrix.categories), q?.category)}</label>
      <label>Level ${choices('level', Object.keys(matrix.levels), q?.level)}</label>
      <label>Origin ${choices('origin', matrix.origins, q?.origin)}</label>
      <label>Text <input type="text" name="text" value="${q?.text ?? ''}" placeholder="summary or details"></label>
      <button type="submit">Explain</button>`, 'explain-form')}
    ${pg.editor.explain ? html`<pre class="explain-result">${pg.editor.explain}</pre>` : ''}</section>`;
}

/** The routing matrix page: the editor with inline problems, explain, apply and replay. */
export function matrixPageHtml(pg: PlaygroundParts, where: Where): Html {
  const draft = pg.editor.draft;
  const checked = checkDraft(draft);
  const matrix = checked.matrix ?? pg.app.ctx.matrix;
  return html`<div class="pane matrix-page">
    <header class="pane-head"><h2>Routing matrix</h2><span class="members">this playground's routing.yml: edit it, check it, explain a route, apply it, replay history through it</span></header>
    <div class="matrix-columns">
      <section class="editor">
        ${postForm('/matrix/apply', where, {}, html`<textarea id="routing" name="routing" spellcheck="false" rows="30">${draft}</textarea>
          <div class="editor-buttons"><button type="submit" formaction="/matrix/check">Check</button>
          <button type="submit" class="primary" formaction="/matrix/apply">Apply</button>
          <button type="submit" formaction="/matrix/replay">Replay history</button>
          <button type="submit" formaction="/matrix/reset">Revert to running</button></div>`, 'editor-form')}
        ${pg.editor.message ? html`<p class="editor-message" role="status">${pg.editor.message}</p>` : ''}
        ${problemsHtml(draft, checked)}
      </section>
      <section class="tools">
        ${explainForm(where, matrix, pg)}
        <section class="replay"><h3>Replay</h3><p class="hint">Runs every issue filed in this playground through the matrix in the editor: which team would have got it, and which targets would have been missed.</p>
          ${pg.editor.replay ? html`<pre class="replay-result">${pg.editor.replay}</pre>` : ''}</section>
      </section>
    </div></div>`;
}
