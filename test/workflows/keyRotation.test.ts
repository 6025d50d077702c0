/**
 * Rotation inside the old key's lifecycle workflow, on the time-skipping test server: the new key
 * is delivered by keyRequestWorkflow (as a child), the grace period starts at its reveal, the
 * owner is shown how both keys were used before it ends, and it ends in the old key's revocation
 * unless the owner revokes early, extends the grace or cancels (then the new key is revoked).
 */
import { WorkflowUpdateFailedError, type WorkflowHandle } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { keyLifecycleWorkflow, keyLifecycleWorkflowId, lifecycleQuery, rotateUpdate, rotationChoiceUpdate, type RotationChoice } from '../../workflows/keyLifecycle';
import { keyRequestWorkflowId, phaseQuery, revealUpdate, type KeyRequestInput } from '../../workflows/keyRequest';
import { DAY, FakeLifecycleStore, HOUR, type SeenEvent } from '../support/fakeLifecycleStore';
import { createTimeSkippingEnv, workflowBundle } from '../support/temporal';

let env: TestWorkflowEnvironment;
beforeAll(async () => {
  env = await createTimeSkippingEnv();
});
afterAll(async () => {
  await env?.teardown();
});

let counter = 0;
const GRACE = 86400;

async function setUp() {
  counter += 1;
  const store = new FakeLifecycleStore(() => env.currentTimeMs());
  const t0 = await env.currentTimeMs();
  const oldKeyId = `key_rotold${String(counter).padStart(10, '0')}`;
  const newKeyId = `key_rotnew${String(counter).padStart(10, '0')}`;
  store.add({ id: oldKeyId, revealedAtMs: t0 - 80 * DAY, expiresAtMs: t0 + 10 * DAY });
  store.busy.add(oldKeyId);
  const taskQueue = `rotation-${counter}`;
  const worker = await Worker.create({ connection: env.nativeConnection, taskQueue, workflowBundle: await workflowBundle(), activities: store.activities() });
  const request: KeyRequestInput = {
    requestId: `kr_rot${counter}`, keyId: newKeyId, requesterId: 'U0OWNER', channelId: 'C0CHAN', name: 'Payments', environment: 'test', scopes: ['read'],
    lifetimeSeconds: 90 * 86400, reason: null, needsApproval: false, revealWindowSeconds: 3600, displaySeconds: 120, source: 'test', rotatedFromId: oldKeyId,
  };
  const start = () => env.client.workflow.start(keyLifecycleWorkflow, { taskQueue, workflowId: keyLifecycleWorkflowId(oldKeyId), args: [{ keyId: oldKeyId }] });
  const rotate = (handle: WorkflowHandle<typeof keyLifecycleWorkflow>) =>
    handle.executeUpdate(rotateUpdate, { args: [{ actorId: 'U0OWNER', graceSeconds: GRACE, request, replyTo: null }] });
  /** Plays the owner clicking "Reveal key" on the new key's offer. */
  const reveal = async (): Promise<number> => {
    const child = env.client.workflow.getHandle(keyRequestWorkflowId(request.requestId));
    for (let i = 0; i < 200 && (await child.query(phaseQuery).catch(() => 'recording')) !== 'offered'; i++) await new Promise((r) => setTimeout(r, 25));
    await child.executeUpdate(revealUpdate, { args: [{ clickerId: 'U0OWNER', responseUrl: 'sealed:v2:1' }] });
    for (let i = 0; i < 200 && !store.eventsOf('revealed', newKeyId).length; i++) await new Promise((r) => setTimeout(r, 25));
    return (store.eventsOf('revealed', newKeyId)[0] as SeenEvent).at;
  };
  const choose = (handle: WorkflowHandle<typeof keyLifecycleWorkflow>, choice: RotationChoice) =>
    handle.executeUpdate(rotationChoiceUpdate, { args: [{ choiceId: `${choice}-${counter}`, newKeyId, choice, actorId: 'U0OWNER', replyTo: null }] });
  const hoursAfter = (from: number, e: SeenEvent | undefined): number => Math.round(((e?.at ?? NaN) - from) / (HOUR / 60)) / 60;
  return { store, oldKeyId, newKeyId, worker, start, rotate, reveal, choose, hoursAfter };
}

describe('rotation in keyLifecycleWorkflow', () => {
  it('starts the grace period at the reveal, checks in before its end and ends it by revoking the old key', async () => {
    const { store, oldKeyId, newKeyId, worker, start, rotate, reveal, hoursAfter } = await setUp();
    const { end, revealedAt, duringGrace } = await worker.runUntil(async () => {
      const handle = await start();
      await rotate(handle);
      await env.sleep('30m'); // the owner takes half an hour to click Reveal key
      const at = await reveal();
      await env.sleep('1h');
      const state = await handle.query(lifecycleQuery);
      await env.sleep('1d');
      return { end: await handle.result(), revealedAt: at, duringGrace: state };
    });
    expect(duringGrace.rotation).toMatchObject({ stage: 'grace', newKeyId });
    expect(end).toBe('revoked');
    expect(store.keys.get(oldKeyId)?.status).toBe('REVOKED');
    expect(store.keys.get(newKeyId)?.status).toBe('ACTIVE');
    expect(store.eventsOf('lifecycle_started', newKeyId)).toHaveLength(1);
    // Grace 24h from the reveal: the check 12h before its end, the revocation at its end.
    expect(hoursAfter(revealedAt, store.eventsOf('rotation_check', oldKeyId)[0])).toBeCloseTo(12, 1);
    expect(hoursAfter(revealedAt, store.eventsOf('old_key_revoked', oldKeyId)[0])).toBeCloseTo(24, 1);
    expect(store.eventsOf('old_key_revoked', oldKeyId)[0]?.details?.why).toBe('grace_ended');
  });

  it('on Cancel revokes the new key instead, and the old key lives on', async () => {
    const { store, oldKeyId, newKeyId, worker, start, rotate, reveal, choose } = await setUp();
    const state = await worker.runUntil(async () => {
      const handle = await start();
      await rotate(handle);
      await reveal();
      await env.sleep('2h');
      await choose(handle, 'cancel');
      await env.sleep('2d');
      const s = await handle.query(lifecycleQuery);
      await handle.terminate('test done');
      return s;
    });
    expect(store.keys.get(newKeyId)?.status).toBe('REVOKED');
    expect(store.keys.get(oldKeyId)?.status).toBe('ACTIVE');
    expect(store.eventsOf('old_key_revoked', oldKeyId)).toEqual([]);
    expect(state.rotation).toBeNull();
    expect(state.facts?.status).toBe('ACTIVE');
  });

  it('on Extend grace revokes the old key one grace period later', async () => {
    const { store, oldKeyId, worker, start, rotate, reveal, choose, hoursAfter } = await setUp();
    const revealedAt = await worker.runUntil(async () => {
      const handle = await start();
      await rotate(handle);
      const at = await reveal();
      await env.sleep('13h'); // after the check
      await choose(handle, 'extend_grace');
      await env.sleep('2d');
      await handle.result();
      return at;
    });
    expect(hoursAfter(revealedAt, store.eventsOf('old_key_revoked', oldKeyId)[0])).toBeCloseTo(48, 1);
    // A check for the new end of the grace period too.
    expect(store.eventsOf('rotation_check', oldKeyId).map((e) => hoursAfter(revealedAt, e))).toEqual([12, 36]);
  });

  it('on Revoke old now revokes the old key at once', async () => {
    const { store, oldKeyId, worker, start, rotate, reveal, choose, hoursAfter } = await setUp();
    const revealedAt = await worker.runUntil(async () => {
      const handle = await start();
      await rotate(handle);
      const at = await reveal();
      await env.sleep('1h');
      await choose(handle, 'revoke_old_now');
      await handle.result();
      return at;
    });
    const revoked = store.eventsOf('old_key_revoked', oldKeyId);
    expect(revoked.map((e) => e.details?.why)).toEqual(['revoked_early']);
    expect(hoursAfter(revealedAt, revoked[0])).toBeLessThan(2);
  });

  it('stops the rotation when the new key is not revealed in time, and refuses a second rotation while one runs', async () => {
    const { store, oldKeyId, newKeyId, worker, start, rotate } = await setUp();
    const { second, state } = await worker.runUntil(async () => {
      const handle = await start();
      await rotate(handle);
      const refused = await rotate(handle).catch((e: unknown) => e);
      await env.sleep('2h'); // the reveal window is one hour
      const s = await handle.query(lifecycleQuery);
      await handle.terminate('test done');
      return { second: refused, state: s };
    });
    expect(second).toBeInstanceOf(WorkflowUpdateFailedError);
    expect(((second as WorkflowUpdateFailedError).cause as Error).message).toBe('ROTATION_IN_PROGRESS');
    expect(store.eventsOf('rotation_abandoned', oldKeyId).map((e) => e.details?.outcome)).toEqual(['window_closed']);
    expect(store.keys.get(newKeyId)?.status).toBe('REVOKED');
    expect(state.facts?.status).toBe('ACTIVE');
    expect(state.rotation).toBeNull();
  });
});
