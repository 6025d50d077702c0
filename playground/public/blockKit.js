// Block Kit as Slack lays it out: sections (text, fields, accessory), headers, dividers, context,
// actions (buttons with styles and confirm dialogs, selects), images and inputs. Builds DOM nodes;
// text goes through mrkdwn.js, which escapes it.
import { escapeHtml, plainText, textObject } from './mrkdwn.js';

const el = (tag, className, html) => {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (html !== undefined) node.innerHTML = html;
  return node;
};

/** Slack's confirm dialog before a button's click is sent. Resolves true when confirmed. */
export function confirmDialog(confirm, names) {
  return new Promise((resolve) => {
    const backdrop = el('div', 'backdrop confirm');
    const box = el('div', 'dialog small');
    box.setAttribute('role', 'alertdialog');
    box.setAttribute('aria-modal', 'true');
    const title = el('h2', 'dialog-title', plainText(confirm.title?.text ?? 'Are you sure?'));
    title.id = `confirm-${Math.random().toString(36).slice(2)}`;
    box.setAttribute('aria-labelledby', title.id);
    const body = el('div', 'dialog-body', textObject(confirm.text, names));
    const footer = el('div', 'dialog-footer');
    const deny = el('button', 'btn', plainText(confirm.deny?.text ?? 'Cancel'));
    const yes = el('button', `btn ${confirm.style === 'danger' ? 'danger' : 'primary'}`, plainText(confirm.confirm?.text ?? 'Yes'));
    const done = (answer) => {
      backdrop.remove();
      resolve(answer);
    };
    deny.addEventListener('click', () => done(false));
    yes.addEventListener('click', () => done(true));
    box.addEventListener('keydown', (e) => e.key === 'Escape' && done(false));
    footer.append(deny, yes);
    box.append(title, body, footer);
    backdrop.append(box);
    document.body.append(backdrop);
    yes.focus();
  });
}

function button(element, block, ctx) {
  const node = el('button', `btn ${element.style ?? ''}`.trim(), plainText(element.text?.text ?? ''));
  node.type = 'button';
  if (element.url) node.title = element.url;
  node.addEventListener('click', async () => {
    if (element.confirm && !(await confirmDialog(element.confirm, ctx.names))) return;
    node.disabled = true;
    try {
      await ctx.onAction({ actionId: element.action_id, blockId: block.block_id });
    } finally {
      node.disabled = false;
    }
  });
  return node;
}

function options(element) {
  const groups = element.option_groups ?? [];
  return [...(element.options ?? []), ...groups.flatMap((g) => g.options ?? [])];
}

/** A select element; `multiple` for multi-selects. Labelled by its input block when inside a form. */
export function selectElement(element, { multiple = false, initial = [] } = {}) {
  const select = document.createElement('select');
  select.multiple = multiple;
  if (!multiple) {
    const empty = el('option', '', plainText(element.placeholder?.text ?? 'Select an item'));
    empty.value = '';
    select.append(empty);
  }
  for (const option of options(element)) {
    const node = el('option', '', plainText(option.text?.text ?? option.value));
    node.value = option.value;
    node.selected = initial.includes(option.value);
    select.append(node);
  }
  if (multiple) select.size = Math.min(6, options(element).length);
  return select;
}

function element(elementJson, block, ctx) {
  switch (elementJson.type) {
    case 'button':
      return button(elementJson, block, ctx);
    case 'image':
      return Object.assign(document.createElement('img'), { src: elementJson.image_url, alt: elementJson.alt_text ?? '', className: 'thumb' });
    case 'mrkdwn':
    case 'plain_text':
      return el('span', '', textObject(elementJson, ctx.names));
    case 'static_select':
    case 'multi_static_select': {
      const select = selectElement(elementJson, { multiple: elementJson.type.startsWith('multi_') });
      select.setAttribute('aria-label', elementJson.placeholder?.text ?? 'Select');
      select.addEventListener('change', () => ctx.onSelect?.({ blockId: block.block_id, value: select.value }));
      return select;
    }
    default:
      return el('span', 'unsupported', escapeHtml(`[${elementJson.type}]`));
  }
}

function section(block, ctx) {
  const node = el('div', 'block section');
  const main = el('div', 'section-main');
  if (block.text) main.append(el('div', 'text', textObject(block.text, ctx.names)));
  if (block.fields) {
    const fields = el('div', 'fields');
    for (const field of block.fields) fields.append(el('div', 'field', textObject(field, ctx.names)));
    main.append(fields);
  }
  node.append(main);
  if (block.accessory) {
    const accessory = el('div', 'accessory');
    accessory.append(element(block.accessory, block, ctx));
    node.append(accessory);
  }
  return node;
}

/** Renders display blocks; `ctx` = { names, onAction({actionId, blockId}), onSelect?, renderInput? }. */
export function renderBlocks(blocks, ctx) {
  const root = el('div', 'blocks');
  for (const block of blocks) {
    if (block.type === 'section') root.append(section(block, ctx));
    else if (block.type === 'header') root.append(el('h3', 'block header', plainText(block.text?.text ?? '')));
    else if (block.type === 'divider') root.append(el('hr', 'block divider'));
    else if (block.type === 'context') {
      const node = el('div', 'block context');
      for (const item of block.elements ?? []) node.append(element(item, block, ctx));
      root.append(node);
    } else if (block.type === 'actions') {
      const node = el('div', 'block actions');
      for (const item of block.elements ?? []) node.append(element(item, block, ctx));
      root.append(node);
    } else if (block.type === 'image') {
      const figure = el('figure', 'block image');
      if (block.title) figure.append(el('figcaption', '', plainText(block.title.text)));
      figure.append(Object.assign(document.createElement('img'), { src: block.image_url, alt: block.alt_text ?? '' }));
      root.append(figure);
    } else if (block.type === 'input' && ctx.renderInput) root.append(ctx.renderInput(block));
    else if (block.type === 'markdown') root.append(el('div', 'block text', escapeHtml(block.text ?? '')));
    else root.append(el('div', 'block unsupported', escapeHtml(`[${block.type} block]`)));
  }
  return root;
}
