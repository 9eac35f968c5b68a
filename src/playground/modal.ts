import type { SandboxView } from '../sandbox/slack-server.js';
import { messageHtml, textHtml, type Names } from './block-kit-html.js';
import { postForm } from './conversation.js';
import { html, type Html } from './html.js';
import type { Where } from './where.js';

type Json = Record<string, any>;

const optionText = (o: Json) => String(o.text?.text ?? o.value);

/** One input block's element as a form field named after its block id, as the driver submits them. */
function field(block: Json, names: Names): Html {
  const e = block.element ?? {};
  const name = `v:${block.block_id}`;
  switch (e.type) {
    case 'static_select':
      // A select that tells the app at once (dispatch_action) rebuilds the form, as in Slack.
      return html`<select name="${name}" id="${name}" ${block.dispatch_action ? html`data-dispatch="${String(block.block_id)}"` : ''}><option value="">${String(e.placeholder?.text ?? 'Choose')}</option>
        ${(e.options as Json[] ?? []).map((o) => html`<option value="${String(o.value)}" ${e.initial_option?.value === o.value ? 'selected' : ''}>${optionText(o)}</option>`)}</select>`;
    case 'radio_buttons':
      return html`<div class="radios">${(e.options as Json[] ?? []).map((o) => html`<label><input type="radio" name="${name}" value="${String(o.value)}" ${e.initial_option?.value === o.value ? 'checked' : ''}>
        ${optionText(o)}${o.description ? html`<small>${textHtml(o.description, names)}</small>` : ''}</label>`)}</div>`;
    case 'plain_text_input':
      return e.multiline
        ? html`<textarea name="${name}" id="${name}" rows="3" maxlength="${String(e.max_length ?? 3000)}">${String(e.initial_value ?? '')}</textarea>`
        : html`<input type="text" name="${name}" id="${name}" maxlength="${String(e.max_length ?? 3000)}" value="${String(e.initial_value ?? '')}">`;
    case 'multi_users_select':
      return html`<input type="text" name="${name}" id="${name}" placeholder="user ids, comma-separated (U0ANNA, U0BEN)">`;
    default:
      return html`<span class="bk-unknown">[${String(e.type)} input]</span>`;
  }
}

/** The person's open modal: its blocks, its inputs as a form, the app's errors at their fields. */
export function modalHtml(view: SandboxView, where: Where, names: Names, errors: Record<string, string> = {}): Html {
  const v = view.view;
  const blocks = (v.blocks as Json[] ?? []).map((block) => {
    if (block.type !== 'input') return messageHtml({ text: '', blocks: [block] }, names, () => html``);
    const error = errors[block.block_id];
    return html`<div class="input-block${error ? ' has-error' : ''}" data-block="${String(block.block_id)}">
      <label for="v:${String(block.block_id)}">${textHtml(block.label, names)}${block.optional ? html` <small>(optional)</small>` : ''}</label>
      ${field(block, names)}${block.hint ? html`<small class="hint">${textHtml(block.hint, names)}</small>` : ''}
      ${error ? html`<div class="field-error" role="alert">${error}</div>` : ''}</div>`;
  });
  return html`<div class="modal-backdrop" data-key="${`${view.id}:${view.hash}:${JSON.stringify(errors)}`}"><div class="modal" role="dialog" aria-label="${String(v.title?.text ?? 'Form')}">
    <header><h2>${String(v.title?.text ?? '')}</h2>${postForm('/close', where, {}, html`<button type="submit" class="close" aria-label="Close">✕</button>`)}</header>
    ${postForm('/submit', where, { view: view.id }, html`<div class="modal-body">${blocks}</div>
      <footer><button type="submit" class="primary">${String(v.submit?.text ?? 'Submit')}</button></footer>`, 'modal-form')}
  </div></div>`;
}
