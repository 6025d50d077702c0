/**
 * revocationWorkflow: what follows a committed revocation. The revocation itself is already in
 * the database when this starts (the bot commits it before telling the responder, so that a
 * leaked key dies even while Temporal or every worker is down); this workflow does the rest,
 * durably: it ends the reveal offers of keys that were never revealed, and tells each owner who
 * revoked their keys and why. One workflow per revocation, its id from the revocation id.
 */
import { getExternalWorkflowHandle, proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities';
import { keyChangedSignal, keyLifecycleWorkflowId } from './keyLifecycle';
import { keyRevokedSignal } from './keyRequest';

const MAX_LIFECYCLES_TOLD = 100;

export function revocationWorkflowId(revocationId: string): string {
  return `revoke-${revocationId}`;
}

export interface RevocationFollowUpInput {
  revocationId: string;
  actorId: string;
  /** False when the caller tells the owners itself (a leak's notice replaces the generic one). */
  notifyOwners?: boolean;
}

export interface RevocationFollowUpResult {
  ownersNotified: number;
  offersEnded: number;
}

const store = proxyActivities<Activities>({
  startToCloseTimeout: '10s',
  retry: { initialInterval: '200ms', backoffCoefficient: 2, maximumInterval: '10s' },
});
const slack = proxyActivities<Activities>({
  startToCloseTimeout: '20s',
  retry: { initialInterval: '500ms', backoffCoefficient: 2, maximumInterval: '1m', maximumAttempts: 20 },
});

export async function revocationWorkflow(input: RevocationFollowUpInput): Promise<RevocationFollowUpResult> {
  const followUps = await store.listRevocationFollowUps(input);
  let offersEnded = 0;
  for (const workflowId of followUps.offerWorkflowIds) {
    try {
      await getExternalWorkflowHandle(workflowId).signal(keyRevokedSignal);
      offersEnded += 1;
    } catch {
      // The request's workflow already finished (its window closed): nothing left to end.
    }
  }
  // Each revoked key's lifecycle ends now rather than at its next timer, which re-reads the key
  // anyway: so a bulk revocation (thousands of keys) skips this instead of growing this history.
  const lifecycles = followUps.revealedKeyIds ?? [];
  if (lifecycles.length <= MAX_LIFECYCLES_TOLD) {
    await Promise.all(lifecycles.map((keyId) => getExternalWorkflowHandle(keyLifecycleWorkflowId(keyId)).signal(keyChangedSignal).catch(() => undefined)));
  }
  const told = input.notifyOwners === false ? [] : followUps.ownerIds;
  await Promise.all(told.map((ownerId) => slack.notifyOwnerOfRevocation({ revocationId: input.revocationId, ownerId })));
  if (followUps.allOwnerIds?.length) await slack.refreshHome({ userIds: followUps.allOwnerIds });
  return { ownersNotified: told.length, offersEnded };
}
