/**
 * Activities as the lifecycle and rotation workflows call them. Clicks someone is waiting on run as
 * local activities (in the worker, inside the workflow task); the steps that follow a long timer
 * are ordinary activities. Every one is idempotent: retries and replays change nothing twice.
 */
import { proxyActivities, proxyLocalActivities } from '@temporalio/workflow';
import type { Activities } from '../activities';

export const interactive = proxyLocalActivities<Activities>({
  startToCloseTimeout: '15s',
  retry: { initialInterval: '200ms', backoffCoefficient: 2, maximumInterval: '10s', maximumAttempts: 8 },
});

/** Nobody is watching the clock after a timer: keep trying for a long while (Slack or the database may be down). */
export const background = proxyActivities<Activities>({
  startToCloseTimeout: '30s',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '5m' },
});
