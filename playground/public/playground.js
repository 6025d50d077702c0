// The playground page: pick a persona, type /apikey …, click what keyops sends. Every change in
// the Slack stand-in arrives as a Server-Sent Event, and the page then reads its persona's view
// again, so a message a durable timer replaces changes on screen without a reload.
import { renderBlocks } from './blockKit.js';
import { mrkdwn } from './mrkdwn.js';
import { renderModal } from './modal.js';

const $ = (id) => document.getElementById(id);
const state = { session: null, user: null, tab: null, snapshot: null, rendered: '', renderedModal: '', seen: {} };
const names = { users: {}, groups: {}, channels: {} };

async function post(path, body) {
  const res = await fetch(`/playground/${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ user: state.user, ...body }) });
  const answer = await res.json().catch(() => ({}));
  $('notice').textContent = res.ok ? '' : answer.error ?? `keyops answered HTTP ${res.status}`;
  return res.ok;
}

const timeOf = (ts) => new Date(Number(ts) * 1000).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });

function messageNode(message, conversation) {
  const node = document.createElement('article');
  node.className = `msg${message.ephemeral ? ' ephemeral' : ''}${message.threadTs ? ' reply' : ''}`;
  node.setAttribute('aria-label', message.ephemeral ? 'keyops, only visible to you' : 'keyops');
  node.innerHTML = `<div class="avatar" aria-hidden="true">🔑</div><div class="msg-body"><div class="msg-head"><b>keyops</b> <span class="app-badge">APP</span> <span class="ts">${timeOf(message.ts)}</span>${message.threadTs ? ' <span class="thread">in thread</span>' : ''}</div></div>`;
  const body = node.querySelector('.msg-body');
  if (message.ephemeral) body.insertAdjacentHTML('afterbegin', '<div class="only-you">👁 Only visible to you</div>');
  const onAction = (a) => post('click', { ...a, messageTs: message.ts });
  if (message.blocks.length > 0) body.append(renderBlocks(message.blocks, { names, onAction }));
  else body.insertAdjacentHTML('beforeend', `<div class="text">${mrkdwn(message.text, names)}</div>`);
  node.dataset.conversation = conversation.id;
  return node;
}

/** Messages that arrived in a conversation since this persona last looked at it. */
function unreadIn(snapshot, id) {
  const conversation = snapshot.conversations.find((c) => c.id === id);
  if (!conversation) return 0;
  const key = `${state.user}/${id}`;
  if (id === state.tab) state.seen[key] = conversation.messages.length;
  return Math.max(0, conversation.messages.length - (state.seen[key] ?? 0));
}

function tabsOf(snapshot) {
  const tabs = snapshot.conversations.map((c) => ({ id: c.id, label: c.kind === 'channel' ? `# ${c.name}` : 'Messages', group: c.kind === 'channel' ? 'Channels' : 'keyops (app)' }));
  tabs.splice(tabs.length - 1, 0, { id: 'home', label: 'Home', group: 'keyops (app)' });
  return tabs;
}

function renderTabs(snapshot) {
  const list = $('tabs');
  list.replaceChildren();
  let group = null;
  for (const tab of tabsOf(snapshot)) {
    if (tab.group !== group) {
      group = tab.group;
      list.insertAdjacentHTML('beforeend', `<div class="tab-group" aria-hidden="true">${group}</div>`);
    }
    const button = document.createElement('button');
    Object.assign(button, { id: `tab-${tab.id}`, type: 'button', className: 'tab', textContent: tab.label });
    button.setAttribute('role', 'tab');
    button.setAttribute('aria-selected', String(tab.id === state.tab));
    button.setAttribute('aria-controls', `panel-${tab.id}`);
    button.tabIndex = tab.id === state.tab ? 0 : -1;
    button.addEventListener('click', () => selectTab(tab.id));
    const unread = unreadIn(snapshot, tab.id);
    // Outside the tab's name: the badge changes, the tab stays "Messages".
    if (unread > 0) button.insertAdjacentHTML('beforeend', ` <span class="badge" aria-hidden="true">${unread}</span>`);
    list.append(button);
  }
}

function panel(id, heading) {
  const section = document.createElement('section');
  Object.assign(section, { id: `panel-${id}`, className: 'panel', hidden: id !== state.tab });
  section.setAttribute('role', 'tabpanel');
  section.setAttribute('aria-labelledby', `tab-${id}`);
  section.insertAdjacentHTML('afterbegin', `<h2 class="panel-title">${heading}</h2>`);
  return section;
}

function renderPanels(snapshot) {
  const panels = snapshot.conversations.map((conversation) => {
    const section = panel(conversation.id, conversation.kind === 'channel' ? `# ${conversation.name}` : 'keyops');
    const log = document.createElement('div');
    Object.assign(log, { className: 'log' });
    log.setAttribute('role', 'log');
    log.setAttribute('aria-label', conversation.kind === 'channel' ? `Messages in #${conversation.name}` : 'Messages with keyops');
    for (const message of conversation.messages) log.append(messageNode(message, conversation));
    if (conversation.messages.length === 0) log.insertAdjacentHTML('beforeend', '<p class="empty">No messages yet. Type <code>/apikey help</code> below.</p>');
    section.append(log);
    return section;
  });
  const home = panel('home', 'keyops · Home');
  if (snapshot.home) home.append(renderBlocks(snapshot.home.blocks, { names, onAction: (a) => post('click', { ...a, viewId: snapshot.home.id }) }));
  else home.insertAdjacentHTML('beforeend', '<p class="empty">Opening Home…</p>');
  $('panels').replaceChildren(...panels, home);
  for (const log of document.querySelectorAll('.log')) log.scrollTop = log.scrollHeight;
}

function render() {
  const snapshot = state.snapshot;
  const key = JSON.stringify([state.user, state.tab, snapshot]);
  if (key === state.rendered) return;
  state.rendered = key;
  if (!snapshot.conversations.some((c) => c.id === state.tab) && state.tab !== 'home') state.tab = snapshot.conversations[0].id;
  renderTabs(snapshot);
  renderPanels(snapshot);
  $('composer').hidden = state.tab === 'home';
  // Redrawn only when it changed: a message arriving must not take the focus out of a form.
  const modalKey = JSON.stringify([state.user, snapshot.modal]);
  if (modalKey === state.renderedModal) return;
  state.renderedModal = modalKey;
  renderModal($('modal-root'), snapshot.modal, {
    names,
    onAction: (a) => post('click', a),
    onSelect: (s) => post('select', s),
    submit: (viewId, values) => post('submit', { viewId, values }),
    close: (viewId) => post('close', { viewId }),
  });
}

async function refresh() {
  if (!state.user) return;
  const res = await fetch(`/playground/state?user=${encodeURIComponent(state.user)}`);
  if (!res.ok) return;
  state.snapshot = await res.json();
  render();
}

function selectTab(id) {
  state.tab = id;
  // Slack sends app_home_opened every time someone opens the Home tab; keyops publishes it then.
  if (id === 'home') post('home', {});
  render();
  document.getElementById(`tab-${id}`)?.focus();
}

function describeSession(session) {
  const select = $('persona');
  for (const p of session.personas) {
    names.users[p.id] = p.name;
    select.insertAdjacentHTML('beforeend', `<option value="${p.id}"></option>`);
    select.lastElementChild.textContent = `${p.name} — ${p.roles.join(', ')}`;
  }
  Object.assign(names.groups, session.groups);
  names.channels[session.channel.id] = session.channel.name;
  $('cast-note').textContent = session.placeholders
    ? 'The policy names placeholder ids (like U0ADMIN), so these people are made up for the demo.'
    : 'Names are made up for the demo; the ids are the policy\'s, and groups get one made-up member each.';
  $('verify-token').textContent = session.verify.token ?? '(VERIFY_API_TOKEN is not set)';
  $('curl').textContent = `curl -s ${session.verify.url} \\\n  -H "Authorization: Bearer ${session.verify.token ?? '$VERIFY_API_TOKEN'}" \\\n  -H "content-type: application/json" \\\n  -d '{"key":"PASTE_THE_KEY_HERE"}'`;
}

async function main() {
  state.session = await (await fetch('/playground/session')).json();
  describeSession(state.session);
  const select = $('persona');
  state.user = state.session.personas.some((p) => p.id === localStorage.getItem('keyops.persona')) ? localStorage.getItem('keyops.persona') : state.session.personas[0].id;
  select.value = state.user;
  state.tab = state.session.channel.id;
  select.addEventListener('change', () => {
    state.user = select.value;
    localStorage.setItem('keyops.persona', state.user);
    if (state.tab === 'home') post('home', {});
    refresh();
  });
  $('composer').addEventListener('submit', async (event) => {
    event.preventDefault();
    const input = $('message');
    const text = input.value.trim();
    if (!text) return;
    if (!text.startsWith('/')) {
      $('notice').textContent = 'Only slash commands reach keyops here: try /apikey help';
      return;
    }
    input.value = '';
    const channel = state.tab === 'home' ? state.session.channel.id : state.tab;
    if (!(await post('command', { text, channel }))) input.value = text;
  });
  new EventSource('/playground/events').addEventListener('change', () => refresh());
  await refresh();
  document.body.dataset.ready = 'true';
}

main();
