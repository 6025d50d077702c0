/**
 * Sends a click to a key's lifecycle workflow as an update and turns a refusal into words. The
 * update only validates and queues the work, so this returns in one round trip, well inside
 * the 3 seconds Slack gives an interaction.
 */
import { WorkflowExecutionAlreadyStartedError, WorkflowUpdateFailedError } from '@temporalio/client';
import type { UpdateDefinition } from '@temporalio/common';
import { LIFECYCLE_REFUSALS, type LifecycleRefusal } from '../../workflows/keyLifecycle';
import type { BotDeps } from '../deps';

export const LIFECYCLE_REFUSAL_TEXT: Record<LifecycleRefusal, string> = {
  KEY_NOT_ACTIVE: 'This key is no longer active (it expired or was revoked).',
  ROTATION_IN_PROGRESS: 'This key is already being rotated. Its rotation messages say how it is going.',
  NO_ROTATION: 'This rotation is over already; nothing changed.',
};

export type UpdateOutcome = { ok: true } | { ok: false; refusal: LifecycleRefusal };

export async function sendLifecycleUpdate<Args extends unknown[]>(
  deps: Pick<BotDeps, 'lifecycles'>,
  options: { keyId: string; update: UpdateDefinition<{ accepted: true }, Args>; args: Args; updateId: string },
): Promise<UpdateOutcome> {
  try {
    await deps.lifecycles.update(options);
    return { ok: true };
  } catch (error) {
    // A lifecycle that ended (the key expired or was revoked) is not started again for a click.
    if (error instanceof WorkflowExecutionAlreadyStartedError) return { ok: false, refusal: 'KEY_NOT_ACTIVE' };
    const message = error instanceof WorkflowUpdateFailedError ? ((error.cause as Error | undefined)?.message ?? '') : '';
    if ((LIFECYCLE_REFUSALS as readonly string[]).includes(message)) return { ok: false, refusal: message as LifecycleRefusal };
    throw error;
  }
}
