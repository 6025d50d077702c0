/**
 * Submission of the deny modal. The answer goes back in the modal itself: it closes when the
 * denial is recorded, and shows the reason for a refusal (decided meanwhile, not an approver)
 * under the Reason field otherwise. Slack wants that answer within 3 seconds.
 */
import type { AllMiddlewareArgs, App, SlackViewMiddlewareArgs, ViewSubmitAction } from '@slack/bolt';
import { denyUpdate } from '../../../workflows/approval';
import { auditRefusal, checkClick, decidedBy, sendDecision, type StoredRequest } from '../../approvals/decisions';
import type { BotDeps } from '../../deps';
import { parseDenyForm } from '../../forms/denyForm';
import { CallbackIds, DenyBlocks } from '../../ids';
import { refusalText, type Refusal } from '../../views/approvalReplies';

type ViewArgs = SlackViewMiddlewareArgs<ViewSubmitAction> & AllMiddlewareArgs;

export function registerDenySubmission(app: App, deps: BotDeps): void {
  app.view(CallbackIds.denyRequest, async ({ ack, body, view }: ViewArgs) => {
    const userId = body.user.id;
    const showError = (text: string) => ack({ response_action: 'errors', errors: { [DenyBlocks.reason]: text } });
    const form = parseDenyForm({ privateMetadata: view.private_metadata, stateValues: view.state.values });
    if (!form.ok) return showError(form.error === 'STALE' ? 'This form is out of date; close it and click Deny again.' : refusalText('REASON_REQUIRED'));

    const refuse = async (refusal: Refusal, request: StoredRequest | null): Promise<void> => {
      // Recorded before the answer: what the clicker sees is already in the audit log.
      await auditRefusal({ deps, userId, requestId: form.requestId, action: 'deny', refusal, source: `slack:${body.team?.id ?? 'unknown'}/modal` });
      await showError(refusalText(refusal, { decidedBy: decidedBy(request) }));
    };
    const checked = await checkClick({ deps, requestId: form.requestId, userId, action: 'deny' });
    if (!checked.ok) return refuse(checked.refusal, checked.request);
    const sent = await sendDecision({ deps, request: checked.request, run: (h) => h.executeUpdate(denyUpdate, { args: [{ approverId: userId, reason: form.reason }], updateId: `deny:${userId}` }) });
    if (!sent.ok) return refuse(sent.refusal, sent.request);
    await ack();
    deps.log.info('request denied', { requestId: form.requestId, approverId: userId });
  });
}
