/**
 * A rotation's grace runs from the new key's reveal, whatever the display time: with a 10 s grace
 * and a 120 s display, the old key is revoked 10 s after the reveal, while the new key is still on
 * screen (it used to wait for the display to end). Time-skipping server, mocked activities.
 *
 * Its own file and server: once a parent completes before its abandoned child (here the old key's
 * lifecycle ends while the new key is still displayed), the time-skipping test server stops
 * skipping time for the tests that follow.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { keyLifecycleWorkflow, keyLifecycleWorkflowId, rotateUpdate } from '../../workflows/keyLifecycle';
import { keyRequestWorkflowId, phaseQuery, revealUpdate, type KeyRequestInput } from '../../workflows/keyRequest';
import { DAY, FakeLifecycleStore, type SeenEvent } from '../support/fakeLifecycleStore';
import { createTimeSkippingEnv, workflowBundle } from '../support/temporal';

let env: TestWorkflowEnvironment;
beforeAll(async () => {
  env = await createTimeSkippingEnv();
});
afterAll(async () => {
  await env?.teardown();
});

it('revokes the old key at reveal + grace, while the new key is still on screen', async () => {
  const store = new FakeLifecycleStore(() => env.currentTimeMs());
  const t0 = await env.currentTimeMs();
  const oldKeyId = 'key_gracefromreveal01';
  const newKeyId = 'key_gracefromreveal02';
  store.add({ id: oldKeyId, revealedAtMs: t0 - 80 * DAY, expiresAtMs: t0 + 10 * DAY });
  store.busy.add(oldKeyId);
  const worker = await Worker.create({ connection: env.nativeConnection, taskQueue: 'grace', workflowBundle: await workflowBundle(), activities: store.activities() });
  const request: KeyRequestInput = {
    requestId: 'kr_gracefromreveal', keyId: newKeyId, requesterId: 'U0OWNER', channelId: 'C0CHAN', name: 'Payments', environment: 'test', scopes: ['read'],
    lifetimeSeconds: 90 * 86400, reason: null, needsApproval: false, revealWindowSeconds: 3600, displaySeconds: 120, source: 'test', rotatedFromId: oldKeyId,
  };
  const child = env.client.workflow.getHandle(keyRequestWorkflowId(request.requestId));
  const { end, phaseAfterGrace } = await worker.runUntil(async () => {
    const handle = await env.client.workflow.start(keyLifecycleWorkflow, { taskQueue: 'grace', workflowId: keyLifecycleWorkflowId(oldKeyId), args: [{ keyId: oldKeyId }] });
    await handle.executeUpdate(rotateUpdate, { args: [{ actorId: 'U0OWNER', graceSeconds: 10, request, replyTo: null }] });
    for (let i = 0; i < 200 && (await child.query(phaseQuery).catch(() => 'recording')) !== 'offered'; i++) await new Promise((r) => setTimeout(r, 25));
    await child.executeUpdate(revealUpdate, { args: [{ clickerId: 'U0OWNER', responseUrl: 'sealed:v2:1' }] });
    for (let i = 0; i < 200 && !store.eventsOf('revealed', newKeyId).length; i++) await new Promise((r) => setTimeout(r, 25));
    await env.sleep('30s');
    const phase = await child.query(phaseQuery);
    return { end: await handle.result(), phaseAfterGrace: phase };
  });
  const revealedAt = store.keys.get(newKeyId)?.revealedAtMs as number;
  const revokedAt = (store.eventsOf('old_key_revoked', oldKeyId)[0] as SeenEvent).at;
  expect(end).toBe('revoked');
  expect(phaseAfterGrace).toBe('revealed');
  expect(store.eventsOf('grace_started', oldKeyId)[0]?.details?.graceEndsAtMs).toBe(revealedAt + 10_000);
  expect(revokedAt - revealedAt).toBeGreaterThanOrEqual(10_000);
  expect(revokedAt - revealedAt).toBeLessThan(30_000);
});
