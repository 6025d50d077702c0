/**
 * views.open / push / update / publish.
 *
 * Modals are where Slack is strictest (3-second single-use trigger ids, 24-char
 * titles, a stack of at most 3, hash conflicts), so these handlers enforce
 * those rules and keep per-user stacks that tests inspect via `openViewFor`.
 */
import { APP_ID, BOT_ID, slackError, str, truthy, type ApiContext, type Handler } from './context';
import { isUserId } from './ids';
import { isObj } from './limits';
import { validateView } from './surfaces';
import type { FakeView, Obj, SlackError } from './types';

/** The view object as Slack returns it from views.* and sends it in interaction payloads. */
export function viewJson(v: FakeView, teamId: string, stateValues: Obj = {}): Obj {
  const sent = v.view;
  return {
    id: v.id, team_id: teamId, type: v.type, blocks: v.blocks, private_metadata: v.privateMetadata ?? '',
    callback_id: v.callbackId ?? '', state: { values: stateValues }, hash: v.hash, title: sent.title,
    clear_on_close: truthy(sent.clear_on_close), notify_on_close: truthy(sent.notify_on_close),
    close: sent.close ?? null, submit: sent.submit ?? null, previous_view_id: v.previousViewId, root_view_id: v.rootViewId,
    app_id: APP_ID, external_id: v.externalId ?? '', app_installed_team_id: teamId, bot_id: BOT_ID,
  };
}

/** Shared checks for views.open/push: valid modal, live trigger, unique external_id. */
function checkModal(args: Obj, ctx: ApiContext): { userId: string; triggerId: string; view: Obj } | SlackError {
  const triggerId = str(args.trigger_id) ?? str(args.interactivity_pointer);
  const trigger = ctx.state.checkTrigger(triggerId);
  if ('ok' in trigger) return trigger;
  const invalid = validateView(args.view);
  if (invalid) return invalid;
  const view = args.view as Obj; // validateView proved it is an object
  if (view.type !== 'modal') return { ok: false, error: 'invalid_arguments', response_metadata: { messages: ['[ERROR] must be modal [json-pointer:/view/type]'] } };
  const externalId = str(view.external_id);
  if (externalId !== undefined && ctx.state.findView(undefined, externalId)) return slackError('duplicate_external_id');
  return { userId: trigger.userId, triggerId: triggerId ?? '', view };
}

const open: Handler = (args, ctx) => {
  const checked = checkModal(args, ctx);
  if ('ok' in checked) return checked;
  ctx.state.consumeTrigger(checked.triggerId);
  return { ok: true, view: viewJson(ctx.state.openModal(checked.userId, checked.view), ctx.teamId) };
};

const push: Handler = (args, ctx) => {
  const checked = checkModal(args, ctx);
  if ('ok' in checked) return checked;
  const pushed = ctx.state.pushModal(checked.userId, checked.view);
  if ('ok' in pushed) return pushed;
  ctx.state.consumeTrigger(checked.triggerId);
  return { ok: true, view: viewJson(pushed, ctx.teamId) };
};

const update: Handler = (args, ctx) => {
  const existing = ctx.state.findView(args.view_id, args.external_id);
  // A modal the user already closed (or that was submitted) is gone in real Slack too.
  if (!existing || existing.closed) return slackError('not_found');
  const hash = str(args.hash);
  if (hash !== undefined && hash !== existing.hash) return slackError('hash_conflict');
  const invalid = validateView(args.view);
  if (invalid) return invalid;
  const view = args.view as Obj;
  if (view.type !== existing.type) return slackError('invalid_arguments');
  return { ok: true, view: viewJson(ctx.state.updateView(existing, view), ctx.teamId) };
};

const publish: Handler = (args, ctx) => {
  const userId = str(args.user_id);
  if (userId === undefined || !isUserId(userId)) return slackError('user_not_found');
  const invalid = validateView(args.view);
  if (invalid) return invalid;
  const view = args.view as Obj;
  if (!isObj(view) || view.type !== 'home') return { ok: false, error: 'invalid_arguments', response_metadata: { messages: ['[ERROR] must be home [json-pointer:/view/type]'] } };
  const hash = str(args.hash);
  const existing = ctx.state.homeView(userId);
  if (hash !== undefined && existing && hash !== existing.hash) return slackError('hash_conflict');
  return { ok: true, view: viewJson(ctx.state.publishHome(userId, view), ctx.teamId) };
};

export const viewMethods: Record<string, Handler> = {
  'views.open': open,
  'views.push': push,
  'views.update': update,
  'views.publish': publish,
};
