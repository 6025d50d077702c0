/**
 * Submission of the revocation modal: the revocation itself.
 *
 * It commits here, in the bot, before answering Slack, rather than in a workflow activity. At
 * 3 a.m. the one thing that must work is the commit, so it depends on nothing but PostgreSQL: not
 * on the Temporal cluster nor on a worker being up, and it costs no task-queue round trip inside
 * the one-second promise. The responder reads "revoked" only after the transaction committed
 * (the modal is updated by the ack), and the follow-ups that can wait (the owner's notice, ending
 * reveal offers) run in revocationWorkflow, durably and idempotently.
 */
import type { AllMiddlewareArgs, App, SlackViewMiddlewareArgs, ViewSubmitAction } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import { KEY_FACTS, commitRevocation, revocationIdForView, type KeyFacts } from '../../../db/revocations';
import { reachFaultPoint } from '../../../runtime/faultPoints';
import { TASK_QUEUE } from '../../../temporal/taskQueue';
import { revocationWorkflow, revocationWorkflowId } from '../../../workflows/revocation';
import { REVOKE_REFUSAL_TEXT, isResponder, mayRevokeOwnKeys, recordRevokeRefusal, type RevokeRefusal } from '../../access/revokeAccess';
import type { BotDeps } from '../../deps';
import { parseRevokeForm, parseRevokeMetadata } from '../../forms/revokeForm';
import { CallbackIds, RevokeBlocks } from '../../ids';
import { buildRevocationDone } from '../../views/revokeModal';

type ViewArgs = SlackViewMiddlewareArgs<ViewSubmitAction> & AllMiddlewareArgs;

export function registerRevokeSubmission(app: App, deps: BotDeps): void {
  app.view(CallbackIds.revokeKeys, async ({ ack, body, view, client }: ViewArgs) => {
    const startedAt = Date.now();
    const userId = body.user.id;
    const metadata = parseRevokeMetadata(view.private_metadata);
    if (!metadata) return ack({ response_action: 'errors', errors: { [RevokeBlocks.reason]: 'This form is out of date; close it and ask again.' } });
    const form = parseRevokeForm({ stateValues: view.state.values, metadata });
    if (!form.ok) return ack({ response_action: 'errors', errors: form.errors });
    const { scope, via } = metadata;
    const source = `slack:${body.team?.id ?? 'unknown'}/${metadata.channelId}`;

    const refuse = async (why: RevokeRefusal): Promise<void> => {
      await recordRevokeRefusal({ db: deps.db, userId, scope, why, via, source });
      await ack({ response_action: 'errors', errors: { [RevokeBlocks.reason]: REVOKE_REFUSAL_TEXT[why] } });
    };
    // Roles can change while a modal is open: check again (group memberships are cached). Whether
    // a key is the user's own is checked by the revocation statement itself: no extra round trip.
    const responder = await isResponder({ roles: deps.roles, userId });
    if (scope.kind !== 'key' && !responder) return refuse('NOT_RESPONDER');
    if (!responder && !(await mayRevokeOwnKeys({ roles: deps.roles, userId }))) return refuse('VIEWER');

    const revocationId = revocationIdForView(view.id);
    const checkedAt = Date.now();
    let keys: KeyFacts[];
    try {
      keys = await commitRevocation(deps.db, { revocationId, scope, actorId: userId, reason: form.reason, source, via, now: deps.clock(), onlyOwnedBy: responder ? undefined : userId });
    } catch (error) {
      deps.log.error('revocation failed', { revocationId, userId, error });
      return ack({ response_action: 'errors', errors: { [RevokeBlocks.reason]: 'keyops could not reach its database, so nothing may be revoked yet. Submit again: revoking twice is safe.' } });
    }
    const alreadyRevoked = keys.length === 0 && scope.kind === 'key' ? await deps.db.apiKey.findUnique({ where: { id: scope.keyId }, select: KEY_FACTS }) : null;
    if (alreadyRevoked && alreadyRevoked.status !== 'REVOKED') return refuse('NOT_OWNER');
    await ack({ response_action: 'update', view: buildRevocationDone({ scope, keys, shownCount: metadata.shownCount, actorId: userId, alreadyRevoked }) });
    deps.log.info('keys revoked', { revocationId, userId, count: keys.length, scope: scope.kind, via, checkMs: checkedAt - startedAt, commitMs: Date.now() - checkedAt });
    await reachFaultPoint('revocation.afterCommit');
    if (keys.length > 0) await startFollowUps({ deps, client, revocationId, userId, channelId: metadata.channelId, keys });
  });
}

async function startFollowUps(options: { deps: BotDeps; client: WebClient; revocationId: string; userId: string; channelId: string; keys: KeyFacts[] }): Promise<void> {
  const { deps, revocationId, userId } = options;
  try {
    await deps.temporal.workflow.start(revocationWorkflow, {
      taskQueue: TASK_QUEUE,
      workflowId: revocationWorkflowId(revocationId),
      // A resubmitted modal must not notify twice; a run that failed may be redone.
      workflowIdReusePolicy: 'ALLOW_DUPLICATE_FAILED_ONLY',
      args: [{ revocationId, actorId: userId }],
    });
  } catch (error) {
    if (error instanceof WorkflowExecutionAlreadyStartedError) return;
    deps.log.error('could not start the follow-ups of a revocation', { revocationId, error });
    const owners = [...new Set(options.keys.map((k) => k.ownerId))].filter((o) => o !== userId);
    if (owners.length === 0) return;
    const text = `The revocation stands, but keyops could not notify ${owners.map((o) => `<@${o}>`).join(', ')} (its workflow service did not answer). Please tell them yourself.`;
    await options.client.chat.postEphemeral({ channel: options.channelId, user: userId, text }).catch(() => options.client.chat.postMessage({ channel: userId, text }));
  }
}
