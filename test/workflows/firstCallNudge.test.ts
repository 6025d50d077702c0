/**
 * The nudge for a key nobody uses, over hours of simulated time on the time-skipping test server,
 * with the real activities (PostgreSQL, the Slack Web API client against the fake Slack): exactly
 * one, an hour after the reveal under the shipped policy, and none when the policy turns it off.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { loadPolicy } from '../../config/policyFile';
import type { Policy } from '../../domain/policy';
import { keyLifecycleWorkflow, keyLifecycleWorkflowId, lifecycleQuery } from '../../workflows/keyLifecycle';
import { startActivityEnv, type ActivityEnv } from '../support/activityEnv';
import { seedKeys } from '../support/seedKeys';
import { createTimeSkippingEnv, workflowBundle } from '../support/temporal';

const KEY_HASH_SECRET = 'first-call-nudge-secret-0123456789abcdef';
const shipped = loadPolicy(undefined).policy;

let env: TestWorkflowEnvironment;
beforeAll(async () => {
  env = await createTimeSkippingEnv();
});
afterAll(async () => {
  await env?.teardown();
});

let counter = 0;

/** A key revealed now and never used, its lifecycle run for `hours` of workflow time. */
async function runUnusedKey(options: { policy: Policy; hours: number }) {
  const activityEnv: ActivityEnv = await startActivityEnv({ policy: options.policy, keyHashSecret: KEY_HASH_SECRET });
  try {
    const revealedAt = new Date(await env.currentTimeMs());
    const ownerId = `U0NUDGE${++counter}`;
    const [key] = await seedKeys(activityEnv.db, { policy: options.policy, keyHashSecret: KEY_HASH_SECRET, keys: [{ ownerId, createdAt: revealedAt, firstCallSettled: false }] });
    const keyId = key?.id as string;
    const taskQueue = `first-call-nudge-${counter}`;
    const worker = await Worker.create({ connection: env.nativeConnection, taskQueue, workflowBundle: await workflowBundle(), activities: activityEnv.activities });
    const state = await worker.runUntil(async () => {
      const handle = await env.client.workflow.start(keyLifecycleWorkflow, { taskQueue, workflowId: keyLifecycleWorkflowId(keyId), args: [{ keyId }] });
      await env.sleep(`${options.hours}h`);
      return handle.query(lifecycleQuery);
    });
    const nudges = activityEnv.fake.callsTo('chat.postMessage').filter((c) => String(c.args.text).includes('has not been used')).length;
    const stored = await activityEnv.db.apiKey.findUniqueOrThrow({ where: { id: keyId } });
    const audited = await activityEnv.db.auditEvent.count({ where: { action: 'key.first_call_nudge_sent', targetId: keyId } });
    return { nudges, audited, state, revealedAt, nudgedAt: stored.firstCallNudgedAt };
  } finally {
    await activityEnv.stop();
  }
}

describe('the first-call nudge', () => {
  it('goes out once, an hour after the reveal, to a key nobody used', async () => {
    const run = await runUnusedKey({ policy: shipped, hours: 5 });
    expect(shipped.firstCall.nudgeAfter).toBe(3600);
    expect(run.nudges).toBe(1);
    expect(run.audited).toBe(1);
    expect(Math.abs((run.nudgedAt?.getTime() ?? 0) - run.revealedAt.getTime() - 3_600_000)).toBeLessThan(60_000);
    expect(run.state.next?.kind).not.toBe('first_call_nudge');
  });

  it('never goes out when the policy turns it off', async () => {
    const run = await runUnusedKey({ policy: { ...shipped, firstCall: { nudgeAfter: false } }, hours: 5 });
    expect(run.nudges).toBe(0);
    expect(run.audited).toBe(0);
    expect(run.nudgedAt).toBeNull();
    expect(run.state.next?.kind).not.toBe('first_call_nudge');
  });
});
