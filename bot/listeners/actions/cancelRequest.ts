/** The requester's Cancel click, on their status message or in /apikey approvals. */
import type { AllMiddlewareArgs, App, BlockAction, ButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import { cancelUpdate } from '../../../workflows/approval';
import { auditRefusal, checkClick, decidedBy, sendDecision, type StoredRequest } from '../../approvals/decisions';
import type { BotDeps } from '../../deps';
import { approvalActionPattern } from '../../ids';
import { approvalCardOf } from '../../views/approvalCard';
import { decisionReply, refusalText, type Refusal } from '../../views/approvalReplies';

type ActionArgs = SlackActionMiddlewareArgs<BlockAction<ButtonAction>> & AllMiddlewareArgs;

export function registerCancelRequest(app: App, deps: BotDeps): void {
  app.action<BlockAction<ButtonAction>>(approvalActionPattern('cancelRequest'), async ({ ack, body, action, respond }: ActionArgs) => {
    await ack();
    const userId = body.user.id;
    const reply = (text: string) => respond({ response_type: 'ephemeral', replace_original: false, text });
    const refuse = async (refusal: Refusal, request: StoredRequest | null): Promise<void> => {
      // Recorded before the answer: what the clicker sees is already in the audit log.
      await auditRefusal({ deps, userId, requestId: request?.id ?? String(action.value), action: 'cancel', refusal, source: `slack:${body.team?.id ?? 'unknown'}/${body.channel?.id ?? 'unknown'}` });
      await reply(refusalText(refusal, { decidedBy: decidedBy(request) }));
    };

    const checked = await checkClick({ deps, requestId: action.value, userId, action: 'cancel' });
    if (!checked.ok) return refuse(checked.refusal, checked.request);
    const sent = await sendDecision({ deps, request: checked.request, run: (h) => h.executeUpdate(cancelUpdate, { args: [{ userId }], updateId: 'cancel' }) });
    if (!sent.ok) return refuse(sent.refusal, sent.request);
    await reply(decisionReply({ result: sent.result, card: approvalCardOf(checked.request, deps.policy), stillNeeded: null }));
    deps.log.info('request cancelled', { requestId: checked.request.id, userId });
  });
}
