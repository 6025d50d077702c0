/**
 * A Deny click opens the modal that asks for the reason (the decision itself happens when it is
 * submitted, see listeners/views/denyRequest.ts). Clicks that would be refused anyway are answered
 * at once instead of opening a form that cannot succeed.
 */
import type { AllMiddlewareArgs, App, BlockAction, ButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import { auditRefusal, checkClick, decidedBy } from '../../approvals/decisions';
import type { BotDeps } from '../../deps';
import { approvalActionPattern } from '../../ids';
import { approvalCardOf } from '../../views/approvalCard';
import { refusalText } from '../../views/approvalReplies';
import { buildDenyModal } from '../../views/denyModal';

type ActionArgs = SlackActionMiddlewareArgs<BlockAction<ButtonAction>> & AllMiddlewareArgs;

export function registerDenyRequest(app: App, deps: BotDeps): void {
  app.action<BlockAction<ButtonAction>>(approvalActionPattern('denyRequest'), async ({ ack, body, action, respond, client }: ActionArgs) => {
    await ack();
    const userId = body.user.id;
    const checked = await checkClick({ deps, requestId: action.value, userId, action: 'deny' });
    if (!checked.ok) {
      // Recorded before the answer: what the clicker sees is already in the audit log.
      await auditRefusal({ deps, userId, requestId: checked.request?.id ?? String(action.value), action: 'deny', refusal: checked.refusal, source: `slack:${body.team?.id ?? 'unknown'}/${body.channel?.id ?? 'unknown'}` });
      await respond({ response_type: 'ephemeral', replace_original: false, text: refusalText(checked.refusal, { decidedBy: decidedBy(checked.request) }) });
      return;
    }
    await client.views.open({ trigger_id: body.trigger_id, view: buildDenyModal({ card: approvalCardOf(checked.request, deps.policy) }) });
  });
}
