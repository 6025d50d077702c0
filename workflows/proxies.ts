/**
 * Activities as workflows call them, proxied once per timeout profile. Slack calls retry a bounded
 * number of times (a message that cannot be posted for minutes is an incident, not a retry);
 * database writes retry until they succeed.
 */
import { proxyActivities, proxyLocalActivities } from '@temporalio/workflow';
import type { Activities } from '../activities';

export const slack = proxyActivities<Activities>({
  startToCloseTimeout: '20s',
  retry: { initialInterval: '500ms', backoffCoefficient: 2, maximumInterval: '30s', maximumAttempts: 8 },
});

export const store = proxyActivities<Activities>({
  startToCloseTimeout: '10s',
  retry: { initialInterval: '200ms', backoffCoefficient: 2, maximumInterval: '10s' },
});

/**
 * Short, idempotent database writes on a path a person is waiting on (an approver's click, the
 * requester's key after it): run in the worker, inside the workflow task, without the server
 * round trips of a regular activity.
 */
export const storeNow = proxyLocalActivities<Activities>({
  startToCloseTimeout: '5s',
  retry: { initialInterval: '200ms', backoffCoefficient: 2, maximumInterval: '10s' },
});

/**
 * Steps someone is watching: the Reveal offer and the reveal itself, and the answers to clicks on a
 * key's lifecycle (Extend, Keep, a rotation's choices). Local as well, with a bounded retry: a
 * person is waiting. Every one is idempotent (a post is recorded before it is repeated; a reveal
 * re-mints and replaces), so the re-execution a local activity may see after a worker crash
 * changes nothing.
 */
export const interactive = proxyLocalActivities<Activities>({
  startToCloseTimeout: '15s',
  retry: { initialInterval: '200ms', backoffCoefficient: 2, maximumInterval: '10s', maximumAttempts: 8 },
});

/**
 * The steps that follow a long timer (expiry notices, the expiry, the end of a rotation's grace):
 * nobody is watching the clock, so keep trying for a long while (Slack or the database may be down).
 */
export const background = proxyActivities<Activities>({
  startToCloseTimeout: '30s',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '5m' },
});
