/**
 * An Approve click, in an approver's DM, the approvals channel or /apikey approvals. The answer
 * (approved, still needs someone, or why not) comes back at once as an ephemeral message; the
 * workflow then updates every approver message in place.
 */
import type { AllMiddlewareArgs, App, BlockAction, ButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import { approvalRequirements } from '../../../domain/approval';
import { approveUpdate } from '../../../workflows/approval';
import { auditRefusal, checkClick, decidedBy, sendDecision, type StoredRequest } from '../../approvals/decisions';
import type { BotDeps } from '../../deps';
import { approvalActionPattern } from '../../ids';
import { approvalCardOf, missingText } from '../../views/approvalCard';
import { decisionReply, refusalText, type Refusal } from '../../views/approvalReplies';

type ActionArgs = SlackActionMiddlewareArgs<BlockAction<ButtonAction>> & AllMiddlewareArgs;

export function registerApproveRequest(app: App, deps: BotDeps): void {
  app.action<BlockAction<ButtonAction>>(approvalActionPattern('approveRequest'), async ({ ack, body, action, respond }: ActionArgs) => {
    await ack();
    const userId = body.user.id;
    const reply = (text: string) => respond({ response_type: 'ephemeral', replace_original: false, text });
    const refuse = async (refusal: Refusal, request: StoredRequest | null): Promise<void> => {
      // Recorded before the answer: what the clicker sees is already in the audit log.
      await auditRefusal({ deps, userId, requestId: request?.id ?? String(action.value), action: 'approve', refusal, source: `slack:${body.team?.id ?? 'unknown'}/${body.channel?.id ?? 'unknown'}` });
      await reply(refusalText(refusal, { decidedBy: decidedBy(request) }));
    };

    const checked = await checkClick({ deps, requestId: action.value, userId, action: 'approve' });
    if (!checked.ok) return refuse(checked.refusal, checked.request);
    // One update id per approver: a retried delivery of the same click is answered, not re-applied.
    const sent = await sendDecision({ deps, request: checked.request, run: (h) => h.executeUpdate(approveUpdate, { args: [{ approverId: userId }], updateId: `approve:${userId}` }) });
    if (!sent.ok) return refuse(sent.refusal, sent.request);

    const { request } = checked;
    const stillNeeded = sent.result.outcome === 'MORE_NEEDED' ? missingText(approvalRequirements(deps.policy, request), sent.result.missingRoles, sent.result.approvals) : null;
    await reply(decisionReply({ result: sent.result, card: approvalCardOf(request, deps.policy), stillNeeded }));
    deps.log.info('approval recorded', { requestId: request.id, approverId: userId, outcome: sent.result.outcome });
  });
}
