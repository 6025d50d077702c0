/**
 * Start-up: the follow-ups of every recent revocation are running or done. The bot commits a
 * revocation and only then starts its follow-up workflow (the owner's notice, ending open reveal
 * offers); a bot killed between the two left the owner never told. Each start here is refused by
 * Temporal when that revocation's workflow already ran (its id comes from the revocation id), and
 * a re-run after Temporal's retention is harmless: its notices are deduplicated in the store.
 */
import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import type { Db } from '../db/client';
import { revocationIdForView } from '../db/revocations';
import type { Logger } from '../runtime/log';
import { revocationWorkflow, revocationWorkflowId } from '../workflows/revocation';
import { TASK_QUEUE } from './taskQueue';

/** A process that died is restarted within seconds to hours; a day covers that without rescanning history. */
const LOOK_BACK_MS = 24 * 3600 * 1000;

export async function resumeRevocationFollowUps(options: { db: Db; client: Client; log: Logger; now: Date; taskQueue?: string; signal?: AbortSignal }): Promise<{ revocations: number; started: number }> {
  const rows = await options.db.apiKey.findMany({
    // The bot's revocations only (ids from the confirmed view): rotations, leaks and the CLI tell
    // owners their own way, and their processes finish their own follow-ups (leaks: leaks/resumeLeaks.ts).
    where: { revocationId: { startsWith: revocationIdForView('') }, revokedAt: { gte: new Date(options.now.getTime() - LOOK_BACK_MS) } },
    select: { revocationId: true, revokedBy: true },
    distinct: ['revocationId'],
  });
  let started = 0;
  for (const row of rows) {
    if (options.signal?.aborted) break;
    const revocationId = row.revocationId as string;
    try {
      await options.client.workflow.start(revocationWorkflow, {
        taskQueue: options.taskQueue ?? TASK_QUEUE,
        workflowId: revocationWorkflowId(revocationId),
        workflowIdReusePolicy: 'ALLOW_DUPLICATE_FAILED_ONLY',
        args: [{ revocationId, actorId: row.revokedBy ?? 'system' }],
      });
      started += 1;
      options.log.warn('started the follow-ups of a revocation that had none', { revocationId });
    } catch (error) {
      if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
    }
  }
  return { revocations: rows.length, started };
}
