/**
 * Block Kit limits as Slack enforces them (../shared/design/slack-platform.md).
 * Slack rejects the whole message or view past any of these, naming the place
 * with a JSON pointer; so does the sandbox.
 */

type Json = Record<string, unknown>;

export const LIMITS = {
  messageBlocks: 50,
  surfaceBlocks: 100,
  sectionText: 3000,
  fields: 10,
  fieldText: 2000,
  headerText: 150,
  id: 255,
  buttonText: 75,
  buttonValue: 2000,
  url: 3000,
  actionsElements: 25,
  contextElements: 10,
  modalTitle: 24,
  privateMetadata: 3000,
  selectOptions: 100,
  /** Radio buttons and checkboxes: Slack allows 10 options, not a select's 100. */
  choiceOptions: 10,
  optionText: 75,
  optionValue: 150,
  messageText: 40_000,
  totalBlockText: 13_000,
} as const;

const BLOCK_TYPES = new Set(['section', 'header', 'context', 'actions', 'divider', 'input', 'image', 'rich_text']);

class Problems {
  readonly list: string[] = [];
  add(message: string, pointer: string) {
    this.list.push(`${message} [json-pointer:${pointer}]`);
  }
  textObject(value: unknown, pointer: string, max: number, kinds = ['plain_text', 'mrkdwn']) {
    const t = value as Json | undefined;
    if (!t || typeof t !== 'object' || typeof t.text !== 'string' || !kinds.includes(String(t.type))) {
      this.add(`must be a text object of type ${kinds.join(' or ')}`, pointer);
      return 0;
    }
    if (t.text.length > max) this.add(`must be less than ${max + 1} characters`, `${pointer}/text`);
    if (t.text.length === 0) this.add('must be more than 0 characters', `${pointer}/text`);
    return t.text.length;
  }
  id(value: unknown, pointer: string) {
    if (typeof value === 'string' && value.length > LIMITS.id) this.add(`must be less than ${LIMITS.id + 1} characters`, pointer);
  }
}

function checkOption(p: Problems, option: Json, pointer: string) {
  p.textObject(option.text, `${pointer}/text`, LIMITS.optionText);
  if (typeof option.value !== 'string' || option.value.length > LIMITS.optionValue) {
    p.add(`must be a string of at most ${LIMITS.optionValue} characters`, `${pointer}/value`);
  }
  if (option.description) p.textObject(option.description, `${pointer}/description`, LIMITS.optionText);
}

function checkElement(p: Problems, element: Json, pointer: string) {
  p.id(element.action_id, `${pointer}/action_id`);
  switch (element.type) {
    case 'button':
      p.textObject(element.text, `${pointer}/text`, LIMITS.buttonText, ['plain_text']);
      if (typeof element.value === 'string' && element.value.length > LIMITS.buttonValue) p.add(`must be less than ${LIMITS.buttonValue + 1} characters`, `${pointer}/value`);
      if (typeof element.url === 'string' && element.url.length > LIMITS.url) p.add(`must be less than ${LIMITS.url + 1} characters`, `${pointer}/url`);
      break;
    case 'static_select':
    case 'radio_buttons':
    case 'checkboxes': {
      const options = (element.options ?? []) as Json[];
      const most = element.type === 'static_select' ? LIMITS.selectOptions : LIMITS.choiceOptions;
      if (options.length === 0 || options.length > most) p.add(`must have between 1 and ${most} options`, `${pointer}/options`);
      options.forEach((o, i) => checkOption(p, o, `${pointer}/options/${i}`));
      break;
    }
  }
}

function checkBlock(p: Problems, block: Json, pointer: string): number {
  if (!BLOCK_TYPES.has(String(block.type))) {
    p.add(`unsupported block type "${String(block.type)}"`, `${pointer}/type`);
    return 0;
  }
  p.id(block.block_id, `${pointer}/block_id`);
  let textLength = 0;
  switch (block.type) {
    case 'header':
      textLength += p.textObject(block.text, `${pointer}/text`, LIMITS.headerText, ['plain_text']);
      break;
    case 'section': {
      if (!block.text && !block.fields) p.add('must have text or fields', pointer);
      if (block.text) textLength += p.textObject(block.text, `${pointer}/text`, LIMITS.sectionText);
      const fields = (block.fields ?? []) as Json[];
      if (fields.length > LIMITS.fields) p.add(`must have at most ${LIMITS.fields} items`, `${pointer}/fields`);
      fields.forEach((f, i) => (textLength += p.textObject(f, `${pointer}/fields/${i}`, LIMITS.fieldText)));
      if (block.accessory) checkElement(p, block.accessory as Json, `${pointer}/accessory`);
      break;
    }
    case 'context': {
      const elements = (block.elements ?? []) as Json[];
      if (elements.length === 0 || elements.length > LIMITS.contextElements) p.add(`must have between 1 and ${LIMITS.contextElements} items`, `${pointer}/elements`);
      elements.forEach((e, i) => {
        if (e.type !== 'image') textLength += p.textObject(e, `${pointer}/elements/${i}`, LIMITS.sectionText);
      });
      break;
    }
    case 'actions': {
      const elements = (block.elements ?? []) as Json[];
      if (elements.length === 0 || elements.length > LIMITS.actionsElements) p.add(`must have between 1 and ${LIMITS.actionsElements} items`, `${pointer}/elements`);
      elements.forEach((e, i) => checkElement(p, e, `${pointer}/elements/${i}`));
      break;
    }
    case 'input':
      p.textObject(block.label, `${pointer}/label`, 2000, ['plain_text']);
      if (!block.element) p.add('must have an element', `${pointer}/element`);
      else checkElement(p, block.element as Json, `${pointer}/element`);
      break;
  }
  return textLength;
}

function checkBlocks(p: Problems, blocks: unknown, max: number): void {
  if (!Array.isArray(blocks)) {
    p.add('must be an array', '');
    return;
  }
  if (blocks.length > max) p.add(`must have at most ${max} items`, '');
  let total = 0;
  blocks.forEach((b, i) => (total += checkBlock(p, b as Json, `/blocks/${i}`)));
  if (total > LIMITS.totalBlockText) p.add(`total text of all blocks exceeds ${LIMITS.totalBlockText} characters`, '/blocks');
}

/** Problems with a message's blocks; empty when Slack would accept them. */
export function messageBlockProblems(blocks: unknown): string[] {
  const p = new Problems();
  checkBlocks(p, blocks, LIMITS.messageBlocks);
  return p.list;
}

/** Problems with a modal or Home tab view. */
export function viewProblems(view: Json): string[] {
  const p = new Problems();
  if (view.type !== 'modal' && view.type !== 'home') p.add('must be "modal" or "home"', '/type');
  if (view.type === 'modal') {
    p.textObject(view.title, '/title', LIMITS.modalTitle, ['plain_text']);
    if (view.submit) p.textObject(view.submit, '/submit', LIMITS.modalTitle, ['plain_text']);
    if (view.close) p.textObject(view.close, '/close', LIMITS.modalTitle, ['plain_text']);
  }
  p.id(view.callback_id, '/callback_id');
  if (typeof view.private_metadata === 'string' && view.private_metadata.length > LIMITS.privateMetadata) {
    p.add(`must be less than ${LIMITS.privateMetadata + 1} characters`, '/private_metadata');
  }
  checkBlocks(p, view.blocks, LIMITS.surfaceBlocks);
  return p.list;
}
