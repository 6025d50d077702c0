/**
 * keyRequestWorkflow on the time-skipping test server, with typed activity mocks: the reveal
 * window, the display timer and the refusals, over simulated hours.
 */
import { WorkflowUpdateFailedError } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import type { Activities } from '../../activities';
import { keyRequestWorkflow, keyRevokedSignal, phaseQuery, revealUpdate, type KeyRequestInput, type RevealResult } from '../../workflows/keyRequest';
import { revocationWorkflow } from '../../workflows/revocation';
import { createTimeSkippingEnv, workflowBundle } from '../support/temporal';

let env: TestWorkflowEnvironment;
beforeAll(async () => {
  env = await createTimeSkippingEnv();
});
afterAll(async () => {
  await env?.teardown();
});

type Calls = Array<{ name: keyof Activities; at: number; args: unknown }>;

function mockActivities(calls: Calls, overrides: Partial<Record<keyof Activities, (...args: never[]) => Promise<unknown>>> = {}): Activities {
  const record = (name: keyof Activities, result: unknown = undefined) => async (args: unknown) => {
    calls.push({ name, at: Date.now(), args });
    const override = overrides[name] as ((a: unknown) => Promise<unknown>) | undefined;
    return override ? override(args) : result;
  };
  return {
    recordKeyRequest: record('recordKeyRequest'),
    createAndOfferKey: record('createAndOfferKey'),
    revealKey: record('revealKey', { outcome: 'REVEALED', maskedKey: 'ko_test_…abcd' } satisfies RevealResult),
    maskRevealedKey: record('maskRevealedKey'),
    closeRevealWindow: record('closeRevealWindow'),
    startKeyLifecycle: record('startKeyLifecycle'),
    listRevocationFollowUps: record('listRevocationFollowUps', { ownerIds: [], offerWorkflowIds: [] }),
    notifyOwnerOfRevocation: record('notifyOwnerOfRevocation'),
  } as unknown as Activities;
}

let counter = 0;
function input(overrides: Partial<KeyRequestInput> = {}): KeyRequestInput {
  counter += 1;
  return {
    requestId: `kr_test${counter}`,
    keyId: `key_test${String(counter).padStart(12, '0')}`,
    requesterId: 'U0OWNER',
    channelId: 'C0CHAN',
    name: 'Payments',
    environment: 'test',
    scopes: ['read'],
    lifetimeSeconds: 30 * 86400,
    reason: null,
    needsApproval: false,
    revealWindowSeconds: 24 * 3600,
    displaySeconds: 120,
    source: 'test',
    ...overrides,
  };
}

async function withWorker<T>(activities: Activities, fn: () => Promise<T>): Promise<T> {
  const worker = await Worker.create({ connection: env.nativeConnection, taskQueue: 'test', workflowBundle: await workflowBundle(), activities });
  return worker.runUntil(fn());
}

async function waitForPhase(handle: { query: (q: typeof phaseQuery) => Promise<string> }, phase: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if ((await handle.query(phaseQuery)) === phase) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`workflow never reached ${phase}`);
}

describe('keyRequestWorkflow', () => {
  it('reveals once for the owner and hides the key after the display time', async () => {
    const calls: Calls = [];
    const phase = await withWorker(mockActivities(calls), async () => {
      const handle = await env.client.workflow.start(keyRequestWorkflow, { taskQueue: 'test', workflowId: `wf-${counter + 1}`, args: [input()] });
      await waitForPhase(handle, 'offered');
      expect(await handle.executeUpdate(revealUpdate, { args: [{ clickerId: 'U0OWNER', responseUrl: 'sealed:v2:1' }] })).toEqual({ accepted: true });
      await waitForPhase(handle, 'revealed');
      await expect(handle.executeUpdate(revealUpdate, { args: [{ clickerId: 'U0OWNER', responseUrl: 'sealed:v2:2' }] })).rejects.toThrow(WorkflowUpdateFailedError);
      return handle.result();
    });
    expect(phase).toBe('display_expired');
    expect(calls.map((c) => c.name)).toEqual(['createAndOfferKey', 'revealKey', 'maskRevealedKey', 'startKeyLifecycle']);
    // The lifecycle gets where the key was shown, to report its first call there.
    expect(calls.find((c) => c.name === 'startKeyLifecycle')?.args).toEqual({ keyId: calls[0] && (calls[0].args as KeyRequestInput).keyId, revealSurface: { responseUrl: 'sealed:v2:1', clickerId: 'U0OWNER' } });
    expect(calls.find((c) => c.name === 'maskRevealedKey')?.args).toEqual({ keyId: expect.stringMatching(/^key_/), responseUrl: 'sealed:v2:1', clickerId: 'U0OWNER' });
  });

  it('refuses a reveal whose response_url is not sealed by keyops, minting nothing (someone with Temporal access aiming the key elsewhere)', async () => {
    const calls: Calls = [];
    await withWorker(mockActivities(calls), async () => {
      const handle = await env.client.workflow.start(keyRequestWorkflow, { taskQueue: 'test', workflowId: `wf-unsealed-${counter}`, args: [input()] });
      await waitForPhase(handle, 'offered');
      for (const responseUrl of ['https://attacker.example/steal', 'https://hooks.slack.com/actions/T0/1/x', 'sealed:v1:AAAA']) {
        const failure = await handle.executeUpdate(revealUpdate, { args: [{ clickerId: 'U0OWNER', responseUrl: responseUrl as never }] }).catch((e: unknown) => e);
        expect(failure).toBeInstanceOf(WorkflowUpdateFailedError);
        expect(((failure as WorkflowUpdateFailedError).cause as Error).message).toBe('UNSEALED');
      }
      expect(await handle.query(phaseQuery)).toBe('offered');
      expect(await handle.result()).toBe('window_closed');
    });
    expect(calls.map((c) => c.name)).not.toContain('revealKey');
  });

  it('refuses a click from anyone but the owner, with a reason', async () => {
    const calls: Calls = [];
    await withWorker(mockActivities(calls), async () => {
      const handle = await env.client.workflow.start(keyRequestWorkflow, { taskQueue: 'test', workflowId: `wf-foreign-${counter}`, args: [input()] });
      await waitForPhase(handle, 'offered');
      const failure = await handle.executeUpdate(revealUpdate, { args: [{ clickerId: 'U0STRANGER', responseUrl: 'sealed:v2:x' }] }).catch((e: unknown) => e);
      expect(failure).toBeInstanceOf(WorkflowUpdateFailedError);
      expect(((failure as WorkflowUpdateFailedError).cause as Error).message).toBe('NOT_OWNER');
      expect(await handle.result()).toBe('window_closed');
    });
    expect(calls.map((c) => c.name)).not.toContain('revealKey');
  });

  it('closes the reveal window after the policy window when nobody clicks', async () => {
    const calls: Calls = [];
    const phase = await withWorker(mockActivities(calls), async () => {
      const handle = await env.client.workflow.start(keyRequestWorkflow, { taskQueue: 'test', workflowId: `wf-window-${counter}`, args: [input({ revealWindowSeconds: 24 * 3600 })] });
      await env.sleep('25h');
      return handle.result();
    });
    expect(phase).toBe('window_closed');
    expect(calls.map((c) => c.name)).toEqual(['createAndOfferKey', 'closeRevealWindow']);
  });

  it('lets the owner click again when Slack refused the first delivery', async () => {
    const calls: Calls = [];
    let attempts = 0;
    const revealKey = async (): Promise<RevealResult> => (++attempts === 1 ? { outcome: 'DELIVERY_FAILED' } : { outcome: 'REVEALED', maskedKey: 'ko_test_…wxyz' });
    const phase = await withWorker(mockActivities(calls, { revealKey }), async () => {
      const handle = await env.client.workflow.start(keyRequestWorkflow, { taskQueue: 'test', workflowId: `wf-retry-${counter}`, args: [input()] });
      await waitForPhase(handle, 'offered');
      await handle.executeUpdate(revealUpdate, { args: [{ clickerId: 'U0OWNER', responseUrl: 'sealed:v2:a' }] });
      await waitForPhase(handle, 'offered');
      await handle.executeUpdate(revealUpdate, { args: [{ clickerId: 'U0OWNER', responseUrl: 'sealed:v2:b' }] });
      await waitForPhase(handle, 'revealed');
      return handle.result();
    });
    expect(phase).toBe('display_expired');
    expect(calls.find((c) => c.name === 'maskRevealedKey')?.args).toMatchObject({ responseUrl: 'sealed:v2:b' });
  });

  it('takes a click that arrives while the offer is still being posted', async () => {
    const calls: Calls = [];
    let release: () => void = () => undefined;
    const posting = new Promise<void>((resolve) => (release = resolve));
    const phase = await withWorker(mockActivities(calls, { createAndOfferKey: () => posting }), async () => {
      const handle = await env.client.workflow.start(keyRequestWorkflow, { taskQueue: 'test', workflowId: `wf-early-${counter}`, args: [input()] });
      await waitForPhase(handle, 'offered');
      // Slack already shows the button; the activity has not reported back yet.
      setTimeout(release, 300);
      expect(await handle.executeUpdate(revealUpdate, { args: [{ clickerId: 'U0OWNER', responseUrl: 'sealed:v2:early' }] })).toEqual({ accepted: true });
      return handle.result();
    });
    expect(phase).toBe('display_expired');
  });

  it('takes a click that reaches the workflow together with its first task (the worker died while posting the offer)', async () => {
    // The offer goes out inside the workflow's first task; a worker killed before it reports that
    // task leaves a history with no completed task. The click's update then arrives with the task
    // that replays the start, and the SDK validates it the moment the handler is registered.
    const calls: Calls = [];
    const workflowId = `wf-first-task-${counter + 1}`;
    const handle = await env.client.workflow.start(keyRequestWorkflow, { taskQueue: 'test', workflowId, args: [input()] });
    const click = handle.executeUpdate(revealUpdate, { args: [{ clickerId: 'U0OWNER', responseUrl: 'sealed:v2:first' }] }).catch((e: unknown) => e);
    // Let the server admit the update before any worker polls.
    await new Promise((resolve) => setTimeout(resolve, 500));
    const phase = await withWorker(mockActivities(calls), async () => {
      const answer = await click;
      expect(answer instanceof WorkflowUpdateFailedError ? (answer.cause as Error).message : answer).toEqual({ accepted: true });
      return handle.result();
    });
    expect(phase).toBe('display_expired');
    expect(calls.map((c) => c.name)).toEqual(['createAndOfferKey', 'revealKey', 'maskRevealedKey', 'startKeyLifecycle']);
  });

  it('ends an open offer when the key is revoked, without minting or closing anything', async () => {
    const calls: Calls = [];
    const phase = await withWorker(mockActivities(calls), async () => {
      const handle = await env.client.workflow.start(keyRequestWorkflow, { taskQueue: 'test', workflowId: `wf-revoked-${counter}`, args: [input()] });
      await waitForPhase(handle, 'offered');
      await handle.signal(keyRevokedSignal);
      return handle.result();
    });
    expect(phase).toBe('revoked');
    expect(calls.map((c) => c.name)).toEqual(['createAndOfferKey']);
  });

  it('ends as revoked when the revocation wins the race with a click', async () => {
    const calls: Calls = [];
    const phase = await withWorker(mockActivities(calls, { revealKey: async () => ({ outcome: 'REVOKED' }) satisfies RevealResult }), async () => {
      const handle = await env.client.workflow.start(keyRequestWorkflow, { taskQueue: 'test', workflowId: `wf-race-${counter}`, args: [input()] });
      await waitForPhase(handle, 'offered');
      expect(await handle.executeUpdate(revealUpdate, { args: [{ clickerId: 'U0OWNER', responseUrl: 'sealed:v2:race' }] })).toEqual({ accepted: true });
      return handle.result();
    });
    expect(phase).toBe('revoked');
    expect(calls.map((c) => c.name)).not.toContain('closeRevealWindow');
  });

  it('still hides a revealed key on time when it is revoked while on screen', async () => {
    const calls: Calls = [];
    const phase = await withWorker(mockActivities(calls), async () => {
      const handle = await env.client.workflow.start(keyRequestWorkflow, { taskQueue: 'test', workflowId: `wf-shown-${counter}`, args: [input()] });
      await waitForPhase(handle, 'offered');
      await handle.executeUpdate(revealUpdate, { args: [{ clickerId: 'U0OWNER', responseUrl: 'sealed:v2:shown' }] });
      await handle.signal(keyRevokedSignal);
      return handle.result();
    });
    expect(phase).toBe('display_expired');
    expect(calls.map((c) => c.name)).toContain('maskRevealedKey');
  });
});

describe('revocationWorkflow', () => {
  it('ends the open offers it is given and notifies every owner once', async () => {
    const calls: Calls = [];
    const offerId = `wf-offer-${++counter}`;
    const activities = mockActivities(calls, {
      listRevocationFollowUps: async () => ({ ownerIds: ['U0A', 'U0B'], offerWorkflowIds: [offerId, 'wf-long-gone'] }),
    });
    const [phase, result] = await withWorker(activities, async () => {
      const offer = await env.client.workflow.start(keyRequestWorkflow, { taskQueue: 'test', workflowId: offerId, args: [input()] });
      await waitForPhase(offer, 'offered');
      const followUps = await env.client.workflow.execute(revocationWorkflow, { taskQueue: 'test', workflowId: `revoke-rv_${counter}`, args: [{ revocationId: `rv_${counter}`, actorId: 'U0PAGER' }] });
      return [await offer.result(), followUps] as const;
    });
    expect(phase).toBe('revoked');
    expect(result).toEqual({ ownersNotified: 2, offersEnded: 1 });
    expect(calls.filter((c) => c.name === 'notifyOwnerOfRevocation').map((c) => (c.args as { ownerId: string }).ownerId).sort()).toEqual(['U0A', 'U0B']);
  });
});
