import { NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import type { TemporalConnectionSettings } from '../config/temporalConnection';
import { explainConnectError } from './connectError';
import { sdkConnectionOptions } from './connectionOptions';
import { TASK_QUEUE } from './taskQueue';
import { chooseWorkflowSource } from './workflowSource';
import type { Activities } from '../activities';
import type { Logger } from '../runtime/log';

/**
 * Workflows come from the bundle `npm run build` wrote (temporal/workflowSource.ts), else are
 * bundled from workflows/index at start (the sandbox only sees that graph). Tests pass a bundle
 * of their own, made once per test file.
 */
export async function createWorker(options: {
  connection: NativeConnection;
  namespace: string;
  activities: Activities;
  workflowBundle?: WorkerOptions['workflowBundle'];
  taskQueue?: string;
  maxCachedWorkflows?: number;
  /** WORKER_MAX_CONCURRENT_*: the SDK's own defaults (100 activities, 40 workflow tasks) when absent. */
  concurrency?: { activities?: number; workflowTasks?: number };
  /** The payload codec (temporal/payloadCodec.ts), the same as the client's. */
  dataConverter?: WorkerOptions['dataConverter'];
  log: Logger;
}): Promise<Worker> {
  return Worker.create({
    connection: options.connection,
    namespace: options.namespace,
    taskQueue: options.taskQueue ?? TASK_QUEUE,
    activities: options.activities,
    ...(options.dataConverter ? { dataConverter: options.dataConverter } : {}),
    ...chooseWorkflowSource({ workflowBundle: options.workflowBundle, log: options.log }),
    // Give in-flight activities time to finish on SIGTERM; anything left is retried elsewhere.
    shutdownGraceTime: '10s',
    // A timer that fires while the worker that ran the workflow last is dead (a crash, kill -9)
    // waits this long on that worker's sticky queue before any worker may take it: a key on screen
    // stayed there 10 s longer than its display time with the SDK's default. A live worker takes
    // its sticky tasks in milliseconds; a slower one only costs a replay from history.
    stickyQueueScheduleToStartTimeout: '3s',
    ...(options.concurrency?.activities ? { maxConcurrentActivityTaskExecutions: options.concurrency.activities } : {}),
    ...(options.concurrency?.workflowTasks ? { maxConcurrentWorkflowTaskExecutions: options.concurrency.workflowTasks } : {}),
    // Most workflows are key lifecycles that sleep for days between two steps: keeping them all
    // in the sticky cache (the SDK sizes it from the heap, ~2,000 here) costs hundreds of MB for
    // nothing. Evicted ones replay their short history when their next timer fires.
    maxCachedWorkflows: options.maxCachedWorkflows ?? 500,
  });
}

/** The worker's own connection, with the same TLS and API key as the client's (temporal/connectionOptions.ts). */
export async function connectWorker(settings: TemporalConnectionSettings): Promise<NativeConnection> {
  try {
    return await NativeConnection.connect(sdkConnectionOptions(settings));
  } catch (error) {
    throw await explainConnectError(error, settings);
  }
}

export { NativeConnection };
