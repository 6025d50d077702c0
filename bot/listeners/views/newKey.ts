/**
 * Submission of the new-key modal. Slack wants the answer (close, or inline errors) within
 * 3 seconds, so the checks are one parse, cached role and approver-group reads, an indexed query
 * and the rate limit's short transaction, and the work itself is handed
 * to a workflow whose id comes from the view: a double submit starts nothing new.
 */
import type { AllMiddlewareArgs, App, SlackViewMiddlewareArgs, ViewSubmitAction } from '@slack/bolt';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import { releaseKeyRequest, reserveKeyRequest } from '../../../db/keyRequestLimit';
import { newKeyId, requestIdForView } from '../../../domain/ids';
import { reachFaultPoint } from '../../../runtime/faultPoints';
import { TASK_QUEUE } from '../../../temporal/taskQueue';
import { keyRequestWorkflow, keyRequestWorkflowId, type KeyRequestInput } from '../../../workflows/keyRequest';
import type { BotDeps } from '../../deps';
import { checkApproverGroups } from '../../forms/approverGroups';
import { checkKeyRequest } from '../../access/keyAccess';
import { checkNewKeyAgainstStore, parseNewKeyForm, parseNewKeyMetadata, rateLimitText } from '../../forms/newKeyForm';
import { CallbackIds, NewKeyBlocks } from '../../ids';

type ViewArgs = SlackViewMiddlewareArgs<ViewSubmitAction> & AllMiddlewareArgs;

export function registerNewKeySubmission(app: App, deps: BotDeps): void {
  app.view(CallbackIds.newKey, async ({ ack, body, view }: ViewArgs) => {
    const userId = body.user.id;
    const metadata = parseNewKeyMetadata(view.private_metadata);
    if (!metadata) return ack({ response_action: 'errors', errors: { [NewKeyBlocks.name]: 'This form is out of date; close it and run /apikey new again.' } });

    // Roles can change while the modal is open, and a submission can be forged: check again.
    const refusal = await checkKeyRequest(deps, userId);
    if (refusal) return ack({ response_action: 'errors', errors: { [NewKeyBlocks.name]: refusal } });
    const parsed = parseNewKeyForm({ policy: deps.policy, stateValues: view.state.values, metadata });
    if (!parsed.ok) return ack({ response_action: 'errors', errors: parsed.errors });
    const storeErrors = await checkNewKeyAgainstStore({ db: deps.db, form: parsed.form, userId });
    if (Object.keys(storeErrors).length > 0) return ack({ response_action: 'errors', errors: storeErrors });
    // Group reads are cached briefly, so this costs a Slack call per group at most once a minute.
    const approverErrors = await checkApproverGroups({ roles: deps.roles, policy: deps.policy, form: parsed.form, userId });
    if (Object.keys(approverErrors).length > 0) {
      deps.log.error('a key request cannot be approved by anyone: fix the approver groups', { userId, environment: parsed.form.environment, errors: Object.values(approverErrors) });
      return ack({ response_action: 'errors', errors: approverErrors });
    }

    const requestId = requestIdForView(view.id);
    // Counted last, once every other check passed: a refused form costs no part of the limit.
    const limit = deps.policy.limits.keyRequestsPerUserPerHour;
    const reserved = await reserveKeyRequest(deps.db, { requestId, requesterId: userId, limit, now: deps.clock() });
    if (!reserved.ok) return ack({ response_action: 'errors', errors: { [NewKeyBlocks.name]: rateLimitText({ recent: reserved.recent, limit }) } });
    const input: KeyRequestInput = {
      requestId,
      keyId: newKeyId(),
      requesterId: userId,
      ...parsed.form,
      revealWindowSeconds: deps.policy.reveal.window,
      displaySeconds: deps.displaySeconds,
      source: `slack:${body.team?.id ?? 'unknown'}/${parsed.form.channelId}`,
    };
    try {
      await deps.temporal.workflow.start(keyRequestWorkflow, { taskQueue: TASK_QUEUE, workflowId: keyRequestWorkflowId(requestId), args: [input] });
      deps.log.info('key request started', { requestId, userId, environment: input.environment });
      await reachFaultPoint('request.afterStart');
    } catch (error) {
      if (!(error instanceof WorkflowExecutionAlreadyStartedError)) {
        deps.log.error('could not start a key request', { requestId, error });
        await releaseKeyRequest(deps.db, requestId).catch((releaseError: unknown) => deps.log.warn('could not give back a rate-limit reservation', { requestId, error: releaseError }));
        return ack({ response_action: 'errors', errors: { [NewKeyBlocks.name]: 'keyops could not take your request just now (its workflow service did not answer). Please submit again.' } });
      }
      deps.log.info('duplicate submission ignored', { requestId });
    }
    await ack();
  });
}
