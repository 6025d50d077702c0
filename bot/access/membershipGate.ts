/**
 * Bolt middleware that turns guests and people of other workspaces away before any listener
 * runs: commands, clicks, form submissions and App Home. Message events pass, whoever posted
 * them: a key pasted by a guest is still a leak keyops must act on.
 */
import type { AnyMiddlewareArgs, Middleware } from '@slack/bolt';
import { recordAudit } from '../../db/audit';
import type { Db } from '../../db/client';
import { buildNoticeModal } from '../views/noticeModal';
import { MEMBERSHIP_REFUSAL_TEXT, type MembershipCheck } from './membership';

type Body = Record<string, unknown> & { type?: string; user?: { id?: string }; user_id?: string; command?: string; event?: { type?: string; user?: string }; trigger_id?: string; response_url?: string; team?: { id?: string }; team_id?: string };

/** Who is asking, for the kinds of request a person makes; null for everything else. */
function askerOf(body: Body): string | null {
  if (typeof body.command === 'string') return body.user_id ?? null;
  if (body.type === 'block_actions' || body.type === 'view_submission' || body.type === 'block_suggestion' || body.type === 'shortcut' || body.type === 'message_action') return body.user?.id ?? null;
  if (body.event?.type === 'app_home_opened') return body.event.user ?? null;
  return null;
}

export function membershipGate(options: { membership: MembershipCheck; db: Db }): Middleware<AnyMiddlewareArgs> {
  return async (args) => {
    const body = args.body as Body;
    const userId = askerOf(body);
    if (!userId) return args.next();
    const refusal = await options.membership.refusalFor(userId);
    if (!refusal) return args.next();

    const text = MEMBERSHIP_REFUSAL_TEXT[refusal];
    const ack = 'ack' in args ? (args.ack as (response?: unknown) => Promise<void>) : null;
    if (typeof body.command === 'string') await ack?.({ response_type: 'ephemeral', text });
    else if (body.type === 'view_submission') await ack?.({ response_action: 'update', view: buildNoticeModal({ title: 'keyops', text }) });
    else {
      await ack?.();
      if (body.type === 'block_actions' && body.response_url && 'respond' in args && args.respond) await args.respond({ response_type: 'ephemeral', replace_original: false, text });
      else if (body.type === 'block_actions' && body.trigger_id) await args.client.views.open({ trigger_id: body.trigger_id, view: buildNoticeModal({ title: 'keyops', text }) });
      else if (body.event?.type === 'app_home_opened') await args.client.views.publish({ user_id: userId, view: { type: 'home', blocks: [{ type: 'section', text: { type: 'mrkdwn', text } }] } });
    }
    if (refusal !== 'UNKNOWN') {
      await recordAudit(options.db, { actorId: userId, action: 'slack.refused', targetType: 'user', targetId: userId, source: `slack:${body.team?.id ?? body.team_id ?? 'unknown'}`, details: { why: refusal } });
    }
  };
}
