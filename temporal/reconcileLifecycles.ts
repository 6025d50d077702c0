/**
 * Start-up reconciliation: every active key has exactly one lifecycle workflow. Workflow ids are
 * derived from key ids, so a start for a key whose lifecycle runs is refused by Temporal and no
 * duplicate can exist; a lost or terminated lifecycle is started again.
 *
 * Cost: one read of the running lifecycles from visibility (to skip their starts), then the
 * active keys in pages by id, starting only the missing ones, a bounded number at a time, each
 * with the key as the page read it (no first read per workflow).
 */
import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import type { Db } from '../db/client';
import { LIFECYCLE_KEY_SELECT, noticeScheduleOf, toLifecycleFacts, type LifecycleKey } from '../db/lifecycleKeys';
import type { Policy } from '../domain/policy';
import type { Logger } from '../runtime/log';
import { keyLifecycleWorkflow, keyLifecycleWorkflowId } from '../workflows/keyLifecycle';
import { TASK_QUEUE } from './taskQueue';

export interface ReconcileResult {
  /** False when a shutdown stopped it before every active key was seen. */
  complete: boolean;
  activeKeys: number;
  started: number;
  alreadyRunning: number;
  failed: number;
  ms: number;
}

export async function reconcileKeyLifecycles(options: { db: Db; client: Client; policy: Policy; log: Logger; taskQueue?: string; pageSize?: number; concurrency?: number; signal?: AbortSignal }): Promise<ReconcileResult> {
  const began = Date.now();
  const { db, client, log } = options;
  const taskQueue = options.taskQueue ?? TASK_QUEUE;
  const running = await runningLifecycles({ client, log, signal: options.signal });
  const result: ReconcileResult = { complete: false, activeKeys: 0, started: 0, alreadyRunning: 0, failed: 0, ms: 0 };
  const stopped = (): boolean => options.signal?.aborted === true;

  const schedule = noticeScheduleOf(options.policy);

  const start = async (key: LifecycleKey): Promise<void> => {
    if (stopped()) return;
    const keyId = key.id;
    const facts = toLifecycleFacts(key);
    try {
      await client.workflow.start(keyLifecycleWorkflow, {
        taskQueue,
        workflowId: keyLifecycleWorkflowId(keyId),
        // The page already holds what the workflow would read first.
        args: [{ keyId, ...(facts ? { snapshot: { facts, schedule } } : {}) }],
        // The store says this key is active, so whatever happened to an earlier run, it needs one.
        workflowIdReusePolicy: 'ALLOW_DUPLICATE',
      });
      result.started += 1;
    } catch (error) {
      if (error instanceof WorkflowExecutionAlreadyStartedError) result.alreadyRunning += 1;
      else {
        result.failed += 1;
        log.warn('could not start a key lifecycle', { keyId, error: (error as Error).message });
      }
    }
  };

  let cursor: string | undefined;
  while (!stopped()) {
    const page = await db.apiKey.findMany({
      where: { status: 'ACTIVE', ...(cursor ? { id: { gt: cursor } } : {}) },
      select: LIFECYCLE_KEY_SELECT,
      orderBy: { id: 'asc' },
      take: options.pageSize ?? 1000,
    });
    if (page.length === 0) {
      result.complete = true;
      break;
    }
    cursor = page[page.length - 1]?.id;
    result.activeKeys += page.length;
    const missing = page.filter((k) => !running.has(keyLifecycleWorkflowId(k.id)));
    result.alreadyRunning += page.length - missing.length;
    await inParallel(missing, options.concurrency ?? 32, start);
  }
  result.ms = Date.now() - began;
  return result;
}

/** Best effort: visibility lags a little, and a start refused as a duplicate is just as good. */
async function runningLifecycles(options: { client: Client; log: Logger; signal?: AbortSignal }): Promise<Set<string>> {
  const ids = new Set<string>();
  try {
    for await (const wf of options.client.workflow.list({ query: `WorkflowType = '${keyLifecycleWorkflow.name}' AND ExecutionStatus = 'Running'` })) {
      ids.add(wf.workflowId);
      if (options.signal?.aborted) break;
    }
  } catch (error) {
    options.log.warn('could not list running key lifecycles; starting every one', { error: (error as Error).message });
    ids.clear();
  }
  return ids;
}

async function inParallel<T>(items: T[], concurrency: number, task: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const workers = Array.from({ length: Math.min(concurrency, items.length) }, async () => {
    while (next < items.length) await task(items[next++] as T);
  });
  await Promise.all(workers);
}
