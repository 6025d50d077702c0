import { NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import { TASK_QUEUE } from './taskQueue';
import type { Activities } from '../activities';

/**
 * Workflows are bundled from workflows/index (the sandbox only sees that graph). Tests pass a
 * prebuilt bundle to skip re-bundling for every worker they start.
 */
export async function createWorker(options: {
  connection: NativeConnection;
  namespace: string;
  activities: Activities;
  workflowBundle?: WorkerOptions['workflowBundle'];
  taskQueue?: string;
  maxCachedWorkflows?: number;
}): Promise<Worker> {
  return Worker.create({
    connection: options.connection,
    namespace: options.namespace,
    taskQueue: options.taskQueue ?? TASK_QUEUE,
    activities: options.activities,
    ...(options.workflowBundle ? { workflowBundle: options.workflowBundle } : { workflowsPath: require.resolve('../workflows') }),
    // Give in-flight activities time to finish on SIGTERM; anything left is retried elsewhere.
    shutdownGraceTime: '10s',
    // Most workflows are key lifecycles that sleep for days between two steps: keeping them all
    // in the sticky cache (the SDK sizes it from the heap, ~2,000 here) costs hundreds of MB for
    // nothing. Evicted ones replay their short history when their next timer fires.
    maxCachedWorkflows: options.maxCachedWorkflows ?? 500,
  });
}

export { NativeConnection };
