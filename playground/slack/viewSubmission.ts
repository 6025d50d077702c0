/**
 * Turns "the user typed X into block B" into Slack's exact `view.state.values`
 * shapes, and applies keyops' view_submission ack (response_action) the way
 * Slack's client would.
 *
 * Slack builds state values from the view's own input elements, includes every
 * input block (filled or not, with initial values), and refuses to submit when
 * a required input is empty. Mirroring that keeps submission tests honest: a
 * test cannot submit a value the modal does not offer.
 */
import type { FakeSlack } from './fakeSlack';
import { isObj } from './limits';
import { validateView } from './surfaces';
import type { FakeView, Obj } from './types';

const TEXT_INPUTS = new Set(['plain_text_input', 'email_text_input', 'url_text_input', 'number_input']);

/** Slack fields for the simple id/date pickers: type → [state field, initial field]. */
const PICKER_FIELDS: Record<string, [string, string]> = {
  users_select: ['selected_user', 'initial_user'],
  multi_users_select: ['selected_users', 'initial_users'],
  conversations_select: ['selected_conversation', 'initial_conversation'],
  multi_conversations_select: ['selected_conversations', 'initial_conversations'],
  channels_select: ['selected_channel', 'initial_channel'],
  multi_channels_select: ['selected_channels', 'initial_channels'],
  datepicker: ['selected_date', 'initial_date'],
  timepicker: ['selected_time', 'initial_time'],
};

function offeredOptions(el: Obj): Obj[] {
  const groups = Array.isArray(el.option_groups) ? el.option_groups.filter(isObj) : [];
  const grouped = groups.flatMap((g) => (Array.isArray(g.options) ? g.options : []));
  return [...(Array.isArray(el.options) ? el.options : []), ...grouped].filter(isObj);
}

function pickOption(el: Obj, value: unknown, where: string): Obj {
  const options = offeredOptions(el);
  const found = options.find((o) => o.value === value);
  if (!found) throw new Error(`${where}: option "${String(value)}" is not offered (options: ${options.map((o) => String(o.value)).join(', ')})`);
  return found;
}

/** One element's entry in `state.values[block_id][action_id]`; `provided` undefined means "left as initialised". */
function stateValue(el: Obj, provided: unknown, where: string): Obj {
  const type = String(el.type);
  const has = provided !== undefined;
  if (TEXT_INPUTS.has(type)) {
    const value = has ? (provided === null ? null : String(provided)) : typeof el.initial_value === 'string' ? el.initial_value : null;
    if (typeof value === 'string') checkLength(el, value, where);
    return { type, value };
  }
  if (type === 'static_select' || type === 'radio_buttons') {
    return { type, selected_option: has ? (provided === null ? null : pickOption(el, provided, where)) : el.initial_option ?? null };
  }
  if (type === 'multi_static_select' || type === 'checkboxes') {
    const chosen = has ? (Array.isArray(provided) ? provided : [provided]).map((v) => pickOption(el, v, where)) : el.initial_options ?? [];
    return { type, selected_options: chosen };
  }
  const picker = PICKER_FIELDS[type];
  if (picker) {
    const [field, initial] = picker;
    return { type, [field]: has ? provided : el[initial] ?? (type.startsWith('multi_') ? [] : null) };
  }
  throw new Error(`${where}: submitView does not know how to fill a ${type} element`);
}

/** Slack's client enforces these before the submission ever reaches keyops. */
function checkLength(el: Obj, value: string, where: string): void {
  if (typeof el.max_length === 'number' && value.length > el.max_length) throw new Error(`${where}: longer than max_length ${el.max_length}`);
  if (typeof el.min_length === 'number' && value.length > 0 && value.length < el.min_length) throw new Error(`${where}: shorter than min_length ${el.min_length}`);
}

function isEmpty(entry: Obj): boolean {
  return Object.entries(entry).every(([key, v]) => key === 'type' || v === null || v === '' || (Array.isArray(v) && v.length === 0));
}

/** Builds `view.state.values` for every input block; throws on unknown block ids, options or missing required input. */
export function buildStateValues(view: FakeView, values: Record<string, unknown>): Record<string, Record<string, Obj>> {
  const inputs = view.blocks.filter((b) => b.type === 'input' && isObj(b.element));
  const known = new Set(inputs.map((b) => b.block_id));
  for (const blockId of Object.keys(values)) {
    if (!known.has(blockId)) {
      throw new Error(`submitView: view ${view.id} has no input block "${blockId}" (input blocks: ${[...known].map(String).join(', ')})`);
    }
  }
  const state: Record<string, Record<string, Obj>> = {};
  inputs.forEach((block, index) => {
    const el = block.element as Obj;
    // Slack generates ids for blocks/elements that have none; stable placeholders are enough here.
    const blockId = typeof block.block_id === 'string' ? block.block_id : `block_${index}`;
    const actionId = typeof el.action_id === 'string' ? el.action_id : `action_${index}`;
    const where = `submitView(${view.callbackId ?? view.id}).${blockId}`;
    const entry = stateValue(el, values[blockId], where);
    if (block.optional !== true && block.optional !== 'true' && isEmpty(entry)) {
      throw new Error(`${where}: required input is empty, Slack would not let the user submit`);
    }
    state[blockId] = { [actionId]: entry };
  });
  return state;
}

/**
 * Applies the ack to the user's modal stack: empty body closes the submitted
 * view, `clear` closes all, `update`/`push` replace or stack a view, `errors`
 * keeps it open. Invalid views or errors for unknown blocks throw, because
 * Slack would reject them and the user would be stuck.
 */
export function applySubmissionAck(fake: FakeSlack, view: FakeView, status: number, body: string, json: unknown): void {
  if (status !== 200) return; // Slack shows a connection error and leaves the modal open.
  if (body.trim() === '') return fake.state.popModal(view.userId);
  if (!isObj(json)) throw new Error(`view_submission ack is not JSON: ${body}`);
  const action = json.response_action;
  if (action === undefined) return fake.state.popModal(view.userId);
  if (action === 'clear') return fake.state.clearModals(view.userId);
  if (action === 'errors') {
    if (!isObj(json.errors)) throw new Error('response_action "errors" without an errors object');
    const inputIds = new Set(view.blocks.filter((b) => b.type === 'input').map((b) => b.block_id));
    const unknown = Object.keys(json.errors).filter((id) => !inputIds.has(id));
    if (unknown.length > 0) throw new Error(`response_action "errors" names blocks that are not input blocks: ${unknown.join(', ')}`);
    return fake.state.showErrors(view, Object.fromEntries(Object.entries(json.errors).map(([id, message]) => [id, String(message)])));
  }
  if (action !== 'update' && action !== 'push') throw new Error(`unknown response_action: ${String(action)}`);
  const invalid = validateView(json.view);
  if (invalid) throw new Error(`Slack would reject the response_action "${action}" view: ${JSON.stringify(invalid)}`);
  const next = json.view as Obj;
  if (next.type !== 'modal') throw new Error(`response_action "${action}" view must be a modal`);
  if (action === 'update') {
    fake.state.updateView(view, next);
    return;
  }
  const pushed = fake.state.pushModal(view.userId, next);
  if ('ok' in pushed) throw new Error(`response_action "push" failed: ${pushed.error}`);
}
