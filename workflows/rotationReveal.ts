/**
 * A rotation's grace period runs from the new key's reveal, not from the end of its display: the
 * new key's request (a child of the old key's lifecycle workflow) tells its parent the moment the
 * key is shown, and the parent starts the grace then. Before this, the parent only learnt of the
 * reveal when the child finished, so a grace shorter than KEY_DISPLAY_SECONDS ended late.
 */
import { getExternalWorkflowHandle, defineSignal, patched, workflowInfo } from '@temporalio/workflow';

/**
 * Patch: keyRequestWorkflow signals its parent at the reveal. Runs revealed before it never send
 * the signal; their parent starts the grace when they finish, as before. Once no rotation started
 * before it is left in its display time, deprecatePatch.
 */
export const GRACE_FROM_REVEAL = 'rotation-grace-from-reveal';

export const newKeyRevealedSignal = defineSignal<[{ newKeyId: string }]>('newKeyRevealed');

/** Called by keyRequestWorkflow right after a rotation's new key was shown. */
export async function tellRotationOfReveal(options: { newKeyId: string; rotatedFromId: string | null | undefined }): Promise<void> {
  if (!options.rotatedFromId) return;
  const parent = workflowInfo().parent;
  if (!parent || !patched(GRACE_FROM_REVEAL)) return;
  // By workflow id only: the lifecycle does not continue-as-new during a rotation, but the latest
  // run is the one that must hear it. A parent that is gone (the old key was revoked meanwhile)
  // has no grace to start.
  await getExternalWorkflowHandle(parent.workflowId)
    .signal(newKeyRevealedSignal, { newKeyId: options.newKeyId })
    .catch(() => undefined);
}
