// A modal as Slack shows it: a dialog named by its title, inputs labelled by their block labels,
// hints and errors under them, Close and Submit. What a person typed survives a views.update that
// keeps the block (Slack keeps it too), so changing the environment does not wipe the name.
import { renderBlocks, selectElement } from './blockKit.js';
import { plainText } from './mrkdwn.js';

const TEXT_INPUTS = new Set(['plain_text_input', 'email_text_input', 'url_text_input', 'number_input']);
let typed = { viewId: null, values: {} };

function initialOf(element) {
  if (element.type === 'static_select') return element.initial_option ? [element.initial_option.value] : [];
  if (element.type === 'multi_static_select') return (element.initial_options ?? []).map((o) => o.value);
  return [];
}

function control(block, id) {
  const element = block.element;
  if (TEXT_INPUTS.has(element.type)) {
    const input = document.createElement(element.multiline ? 'textarea' : 'input');
    input.value = element.initial_value ?? '';
    if (element.placeholder) input.placeholder = element.placeholder.text;
    if (element.max_length) input.maxLength = element.max_length;
    return Object.assign(input, { id });
  }
  if (element.type === 'static_select' || element.type === 'multi_static_select') {
    const select = selectElement(element, { multiple: element.type === 'multi_static_select', initial: initialOf(element) });
    return Object.assign(select, { id });
  }
  const unsupported = document.createElement('input');
  unsupported.disabled = true;
  unsupported.value = `[${element.type}]`;
  return Object.assign(unsupported, { id });
}

const valueOf = (node) => (node instanceof HTMLSelectElement && node.multiple ? [...node.selectedOptions].map((o) => o.value) : node.value);

function restore(node, value) {
  if (node instanceof HTMLSelectElement && node.multiple) for (const o of node.options) o.selected = value.includes(o.value);
  else node.value = value;
}

/** Renders the persona's open modal (or removes it). `api` = { names, onAction, onSelect, submit, close }. */
export function renderModal(root, view, api) {
  const previous = root.querySelector('[data-view-id]');
  if (previous && view && previous.dataset.viewId === view.id) {
    for (const node of previous.querySelectorAll('[data-block-id]')) typed.values[node.dataset.blockId] = valueOf(node);
  } else typed = { viewId: view?.id ?? null, values: {} };
  root.replaceChildren();
  if (!view) return;

  const backdrop = document.createElement('div');
  backdrop.className = 'backdrop';
  const dialog = document.createElement('div');
  dialog.className = 'dialog';
  dialog.dataset.viewId = view.id;
  dialog.setAttribute('role', 'dialog');
  dialog.setAttribute('aria-modal', 'true');
  dialog.setAttribute('aria-labelledby', `title-${view.id}`);
  const title = document.createElement('h2');
  title.className = 'dialog-title';
  title.id = `title-${view.id}`;
  title.innerHTML = plainText(view.title);

  const renderInput = (block) => {
    const id = `input-${view.id}-${block.block_id}`;
    const wrap = document.createElement('div');
    wrap.className = 'block input';
    const label = document.createElement('label');
    label.htmlFor = id;
    label.innerHTML = plainText(block.label?.text ?? '') + (block.optional ? ' <span class="optional">(optional)</span>' : '');
    const node = control(block, id);
    node.dataset.blockId = block.block_id;
    if (typed.values[block.block_id] !== undefined) restore(node, typed.values[block.block_id]);
    if (block.dispatch_action && node instanceof HTMLSelectElement) {
      node.addEventListener('change', () => api.onSelect({ viewId: view.id, blockId: block.block_id, value: node.value }));
    }
    const described = [];
    wrap.append(label, node);
    if (block.hint) {
      const hint = Object.assign(document.createElement('div'), { className: 'hint', id: `${id}-hint` });
      hint.innerHTML = plainText(block.hint.text);
      described.push(hint.id);
      wrap.append(hint);
    }
    const error = view.errors[block.block_id];
    if (error) {
      const message = Object.assign(document.createElement('div'), { className: 'error', id: `${id}-error`, textContent: error });
      node.setAttribute('aria-invalid', 'true');
      described.push(message.id);
      wrap.append(message);
    }
    if (described.length) node.setAttribute('aria-describedby', described.join(' '));
    return wrap;
  };

  const body = document.createElement('form');
  body.className = 'dialog-body';
  body.append(renderBlocks(view.blocks, { names: api.names, onAction: (a) => api.onAction({ ...a, viewId: view.id }), renderInput }));
  const footer = document.createElement('div');
  footer.className = 'dialog-footer';
  const close = Object.assign(document.createElement('button'), { type: 'button', className: 'btn' });
  close.innerHTML = plainText(view.close ?? 'Close');
  close.addEventListener('click', () => api.close(view.id));
  footer.append(close);
  if (view.submit) {
    const submit = Object.assign(document.createElement('button'), { type: 'submit', className: 'btn primary' });
    submit.innerHTML = plainText(view.submit);
    body.id = `form-${view.id}`;
    submit.setAttribute('form', body.id);
    footer.append(submit);
  }
  body.addEventListener('submit', (event) => {
    event.preventDefault();
    const values = {};
    let missing = false;
    for (const block of view.blocks.filter((b) => b.type === 'input')) {
      const node = body.querySelector(`[data-block-id="${CSS.escape(block.block_id)}"]`);
      const value = valueOf(node);
      const empty = value === '' || (Array.isArray(value) && value.length === 0);
      // Slack's client checks required inputs itself; keyops never sees such a submission.
      if (empty && !block.optional) missing = markMissing(node) || true;
      values[block.block_id] = empty ? null : value;
    }
    if (!missing) api.submit(view.id, values);
  });
  dialog.addEventListener('keydown', (e) => e.key === 'Escape' && api.close(view.id));
  dialog.append(title, body, footer);
  backdrop.append(dialog);
  root.append(backdrop);
  if (!previous || previous.dataset.viewId !== view.id) body.querySelector('input, textarea, select')?.focus();
}

function markMissing(node) {
  if (node.parentElement.querySelector('.error')) return false;
  const message = Object.assign(document.createElement('div'), { className: 'error', id: `${node.id}-required`, textContent: 'Please complete this required field.' });
  node.setAttribute('aria-invalid', 'true');
  node.setAttribute('aria-describedby', `${node.getAttribute('aria-describedby') ?? ''} ${message.id}`.trim());
  node.parentElement.append(message);
  return false;
}
