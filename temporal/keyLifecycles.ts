/**
 * Starting and talking to key lifecycle workflows from outside them (the bot, activities, the
 * start-up reconciliation). One workflow per key, its id derived from the key id: starting twice
 * is a no-op, so every caller can simply "ensure" it.
 */
import { WithStartWorkflowOperation, WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { UpdateDefinition } from '@temporalio/common';
import { keyChangedSignal, keyLifecycleWorkflow, keyLifecycleWorkflowId, revealSurfaceSignal, type RevealSurfaceArgs } from '../workflows/keyLifecycle';
import { TASK_QUEUE } from './taskQueue';

export interface KeyLifecycles {
  /**
   * Starts the key's lifecycle unless one is running (a completed one is not restarted).
   * `revealSurface` is handed to it (started or running) in the same call.
   */
  ensureStarted(keyId: string, options?: { revealSurface?: RevealSurfaceArgs }): Promise<void>;
  /** Tells a running lifecycle that the key changed in the store; nothing if none runs. */
  notifyChanged(keyId: string): Promise<void>;
  /**
   * Sends an update (a click) to the key's lifecycle, starting the workflow in the same call if it
   * was lost. `updateId` makes a Slack retry of the same click the same update.
   */
  update<Ret, Args extends unknown[]>(options: { keyId: string; update: UpdateDefinition<Ret, Args>; args: Args; updateId: string }): Promise<Ret>;
}

export function createKeyLifecycles(options: { client: Client; taskQueue?: string }): KeyLifecycles {
  const { client } = options;
  const taskQueue = options.taskQueue ?? TASK_QUEUE;
  return {
    async ensureStarted(keyId, startOptions) {
      if (startOptions?.revealSurface) {
        try {
          await client.workflow.signalWithStart(keyLifecycleWorkflow, {
            taskQueue,
            workflowId: keyLifecycleWorkflowId(keyId),
            args: [{ keyId }],
            signal: revealSurfaceSignal,
            signalArgs: [startOptions.revealSurface],
            workflowIdReusePolicy: 'ALLOW_DUPLICATE_FAILED_ONLY',
          });
        } catch (error) {
          // The lifecycle already ended (the key was revoked or expired meanwhile): nothing to report to.
          if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
        }
        return;
      }
      await client.workflow.start(keyLifecycleWorkflow, {
        taskQueue,
        workflowId: keyLifecycleWorkflowId(keyId),
        args: [{ keyId }],
        workflowIdConflictPolicy: 'USE_EXISTING',
        // A lifecycle that failed or was terminated may start again; one that ended (the key
        // expired or was revoked) stays ended.
        workflowIdReusePolicy: 'ALLOW_DUPLICATE_FAILED_ONLY',
      });
    },
    async notifyChanged(keyId) {
      try {
        await client.workflow.getHandle(keyLifecycleWorkflowId(keyId)).signal(keyChangedSignal);
      } catch (error) {
        if (!(error instanceof WorkflowNotFoundError)) throw error;
      }
    },
    async update({ keyId, update, args, updateId }) {
      const start = new WithStartWorkflowOperation(keyLifecycleWorkflow, {
        taskQueue,
        workflowId: keyLifecycleWorkflowId(keyId),
        args: [{ keyId }],
        workflowIdConflictPolicy: 'USE_EXISTING',
        workflowIdReusePolicy: 'ALLOW_DUPLICATE_FAILED_ONLY',
      });
      return client.workflow.executeUpdateWithStart(update, { args, updateId, startWorkflowOperation: start });
    },
  };
}
