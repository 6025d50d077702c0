/**
 * "Get a replacement" on a leaked key's notice: a new key request with the leaked key's name,
 * environment and scopes, through the ordinary request workflow (so approval happens where the
 * policy asks for it, and the Reveal offer arrives as for any key). One replacement per leaked key:
 * the request id comes from the key id, so a second click starts nothing new.
 */
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import { newKeyId } from '../../domain/ids';
import { findEnvironment, requestNeedsApproval } from '../../domain/policy';
import { TASK_QUEUE } from '../../temporal/taskQueue';
import { keyRequestWorkflow, keyRequestWorkflowId, type KeyRequestInput } from '../../workflows/keyRequest';
import { reserveKeyRequest } from '../../db/keyRequestLimit';
import { checkKeyRequest } from '../access/keyAccess';
import type { BotDeps } from '../deps';
import { checkNewKeyAgainstStore, rateLimitText, type NewKeyForm } from '../forms/newKeyForm';

export async function requestReplacement(options: { deps: BotDeps; userId: string; keyId: string; channelId: string; teamId: string; answer: (text: string) => Promise<void> }): Promise<void> {
  const { deps, userId, answer } = options;
  const key = await deps.db.apiKey.findUnique({ where: { id: options.keyId }, select: { id: true, ownerId: true, name: true, environment: true, scopes: true, status: true } });
  if (!key) return answer('This key no longer exists. `/apikey new` asks for a new one.');
  if (key.ownerId !== userId) return answer('Only the owner of this key can ask for its replacement.');
  if (key.status !== 'REVOKED') return answer('This key is still live: rotate it instead (`/apikey rotate`), so your services keep working while they move to the new key.');
  const env = findEnvironment(deps.policy, key.environment);
  const scopes = key.scopes.filter((s) => deps.policy.scopes.some((p) => p.name === s));
  if (!env || scopes.length === 0) return answer('The policy no longer offers this key\'s environment or scopes: ask for a new key with `/apikey new`.');

  const form: NewKeyForm = {
    name: key.name,
    environment: env.name,
    scopes,
    lifetimeSeconds: env.defaultLifetime,
    reason: 'Replacement for a leaked key',
    channelId: options.channelId,
    needsApproval: requestNeedsApproval(deps.policy, { environment: env.name, scopes }),
  };
  const requestId = `kr_replace_${key.id}`;
  const notAllowed = await checkKeyRequest(deps, userId);
  if (notAllowed) return answer(notAllowed);
  const errors = await checkNewKeyAgainstStore({ db: deps.db, form, userId });
  const refusal = Object.values(errors)[0];
  if (refusal && !(await deps.db.keyRequest.findUnique({ where: { id: requestId }, select: { id: true } }))) return answer(refusal);
  // A replacement is a new key: it counts against the hourly limit like any request (once per id).
  const limit = deps.policy.limits.keyRequestsPerUserPerHour;
  const reserved = await reserveKeyRequest(deps.db, { requestId, requesterId: userId, limit, now: deps.clock() });
  if (!reserved.ok) return answer(rateLimitText({ recent: reserved.recent, limit }));

  const input: KeyRequestInput = {
    requestId,
    keyId: newKeyId(),
    requesterId: userId,
    ...form,
    revealWindowSeconds: deps.policy.reveal.window,
    displaySeconds: deps.displaySeconds,
    source: `slack:${options.teamId}/${options.channelId}`,
  };
  try {
    await deps.temporal.workflow.start(keyRequestWorkflow, { taskQueue: TASK_QUEUE, workflowId: keyRequestWorkflowId(requestId), args: [input] });
    deps.log.info('replacement of a leaked key requested', { requestId, userId, leakedKeyId: key.id });
  } catch (error) {
    if (error instanceof WorkflowExecutionAlreadyStartedError) return answer('A replacement for this key was already requested: its messages are here.');
    deps.log.error('could not request a replacement', { requestId, error });
    return answer('keyops could not take your request just now (its workflow service did not answer). Please click again.');
  }
  await answer(form.needsApproval ? 'Replacement requested: it goes to the approvers first, as the policy asks.' : 'Replacement requested: your new key is on its way here.');
}
