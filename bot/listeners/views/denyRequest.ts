/**
 * Submission of the deny modal. The answer goes back in the modal itself: it closes when the
 * denial is recorded, and shows the reason for a refusal (decided meanwhile, not an approver)
 * under the Reason field otherwise. Slack wants that answer within 3 seconds; when the workflow
 * cannot take the denial that fast (Temporal or the worker restarting), the modal says the denial
 * is being recorded and shows the outcome when it is.
 */
import type { AllMiddlewareArgs, App, SlackViewMiddlewareArgs, ViewSubmitAction } from '@slack/bolt';
import { denyUpdate } from '../../../workflows/approval';
import { auditRefusal, checkClick, decidedBy, sendDecision, type StoredRequest } from '../../approvals/decisions';
import type { BotDeps } from '../../deps';
import { parseDenyForm } from '../../forms/denyForm';
import { CallbackIds, DenyBlocks } from '../../ids';
import { refusalText, type Refusal } from '../../views/approvalReplies';
import { buildNoticeModal } from '../../views/noticeModal';

type ViewArgs = SlackViewMiddlewareArgs<ViewSubmitAction> & AllMiddlewareArgs;

/** How long the denial may take before the modal is answered with "being recorded" (Slack's limit is 3 s from the submission). */
export const DENY_ANSWER_WITHIN_MS = 1500;

export function registerDenySubmission(app: App, deps: BotDeps): void {
  app.view(CallbackIds.denyRequest, async ({ ack, body, view, client }: ViewArgs) => {
    const userId = body.user.id;
    const showError = (text: string) => ack({ response_action: 'errors', errors: { [DenyBlocks.reason]: text } });
    const form = parseDenyForm({ privateMetadata: view.private_metadata, stateValues: view.state.values });
    if (!form.ok) return showError(form.error === 'STALE' ? 'This form is out of date; close it and click Deny again.' : refusalText('REASON_REQUIRED'));

    const audited = async (refusal: Refusal, request: StoredRequest | null): Promise<string> => {
      // Recorded before the answer: what the clicker sees is already in the audit log.
      await auditRefusal({ deps, userId, requestId: form.requestId, action: 'deny', refusal, source: `slack:${body.team?.id ?? 'unknown'}/modal` });
      return refusalText(refusal, { decidedBy: decidedBy(request) });
    };
    const checked = await checkClick({ deps, requestId: form.requestId, userId, action: 'deny' });
    if (!checked.ok) return showError(await audited(checked.refusal, checked.request));

    const decision = sendDecision({ deps, request: checked.request, run: (h) => h.executeUpdate(denyUpdate, { args: [{ approverId: userId, reason: form.reason }], updateId: `deny:${userId}` }) });
    let timer: NodeJS.Timeout | undefined;
    const inTime = await Promise.race([decision, new Promise<null>((resolve) => (timer = setTimeout(() => resolve(null), DENY_ANSWER_WITHIN_MS)))]);
    clearTimeout(timer);
    if (inTime) {
      if (!inTime.ok) return showError(await audited(inTime.refusal, inTime.request));
      await ack();
      deps.log.info('request denied', { requestId: form.requestId, approverId: userId });
      return;
    }

    await ack({ response_action: 'update', view: buildNoticeModal({ title: 'Deny request', text: ':hourglass_flowing_sand: Recording your denial… keyops is catching up after a restart; this takes a few seconds.' }) });
    const sent = await decision.catch(async (error: unknown) => {
      // Not left saying "Recording…": the person learns nothing was recorded, and the error is logged as any other.
      await client.views.update({ view_id: view.id, view: buildNoticeModal({ title: 'Deny request', text: 'keyops could not record your denial, so nothing changed. Close this and click Deny again.' }) });
      throw error;
    });
    const text = sent.ok ? ':no_entry: Denied. The requester has been told why, and no key will be created.' : `Nothing was recorded. ${await audited(sent.refusal, sent.request)}`;
    await client.views.update({ view_id: view.id, view: buildNoticeModal({ title: 'Deny request', text }) });
    if (sent.ok) deps.log.info('request denied', { requestId: form.requestId, approverId: userId, late: true });
  });
}
