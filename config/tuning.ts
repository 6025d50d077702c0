/** Pool sizes and worker concurrency from the environment, for every way keyops starts. */
import type { Env } from './env';

export interface Tuning {
  /** LISTEN and migrations go here when DATABASE_URL is a transaction-mode pooler. */
  directDatabaseUrl?: string;
  pools: { database: number; verify: number };
  workerConcurrency: { activities: number; workflowTasks: number };
}

export function tuningFrom(env: Env): Tuning {
  return {
    ...(env.DATABASE_DIRECT_URL ? { directDatabaseUrl: env.DATABASE_DIRECT_URL } : {}),
    pools: { database: env.DATABASE_POOL_SIZE, verify: env.VERIFY_POOL_SIZE },
    workerConcurrency: { activities: env.WORKER_MAX_CONCURRENT_ACTIVITIES, workflowTasks: env.WORKER_MAX_CONCURRENT_WORKFLOW_TASKS },
  };
}
