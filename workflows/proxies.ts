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
 * Slack steps someone is watching (the Reveal offer, the reveal itself): local as well. Both are
 * idempotent (a post is recorded before it is repeated; a reveal re-mints and replaces), so the
 * re-execution a local activity may see after a worker crash changes nothing.
 */
export const slackNow = proxyLocalActivities<Activities>({
  startToCloseTimeout: '15s',
  retry: { initialInterval: '200ms', backoffCoefficient: 2, maximumInterval: '10s', maximumAttempts: 8 },
});
