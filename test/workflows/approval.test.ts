/**
 * The approval stage of keyRequestWorkflow on the time-skipping test server, with typed activity
 * mocks: decisions and their refusals (answered by the update validators), two approvals, the
 * sensitive approver, cancel, and reminders, escalation and timeout over simulated days.
 */
import { WorkflowUpdateFailedError, type WorkflowHandle } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import type { Activities } from '../../activities';
import type { ApprovalPlan, ApprovalSnapshot } from '../../domain/approval';
import {
  approvalQuery,
  approveUpdate,
  cancelUpdate,
  denyUpdate,
  keyRequestWorkflow,
  phaseQuery,
  type DecisionResult,
  type KeyRequestInput,
} from '../../workflows/keyRequest';
import { createTimeSkippingEnv, workflowBundle } from '../support/temporal';

let env: TestWorkflowEnvironment;
beforeAll(async () => {
  env = await createTimeSkippingEnv();
});
afterAll(async () => {
  await env?.teardown();
});

const H = 3600;
const OWNER = 'U0OWNER';

function plan(overrides: Partial<ApprovalPlan> = {}): ApprovalPlan {
  return {
    requesterId: OWNER,
    groups: [{ role: 'approvers', ids: ['S0PLATFORM'], members: ['U0ANA', 'U0BEN'], mandatory: true }],
    escalation: { ids: ['U0ADMIN'], members: ['U0ADMIN'] },
    required: 1,
    sensitiveScopes: [],
    reminderEverySeconds: 4 * H,
    escalateAfterSeconds: 24 * H,
    timeoutSeconds: 72 * H,
    channelId: null,
    unreadableGroups: [],
    ...overrides,
  };
}

type Call = { name: keyof Activities; args: Record<string, unknown> };
type Overrides = Partial<Record<keyof Activities, (args: never) => Promise<unknown>>>;

function mockActivities(calls: Call[], approvalPlan: ApprovalPlan, overrides: Overrides = {}): Activities {
  const record = (name: keyof Activities, result: unknown = undefined) => async (args: Record<string, unknown>) => {
    calls.push({ name, args });
    const override = overrides[name] as ((a: unknown) => Promise<unknown>) | undefined;
    return override ? override(args) : result;
  };
  const names: Array<keyof Activities> = [
    'recordKeyRequest', 'createAndOfferKey', 'maskRevealedKey', 'closeRevealWindow', 'askApprovers', 'remindApprovers',
    'escalateApproval', 'announceApproval', 'recordApprovalDecision', 'recordApprovalOutcome',
  ];
  const activities = Object.fromEntries(names.map((n) => [n, record(n)])) as Record<string, unknown>;
  activities.planApproval = record('planApproval', approvalPlan);
  activities.revealKey = record('revealKey', { outcome: 'REVEALED', maskedKey: 'ko_live_…abcd' });
  return activities as unknown as Activities;
}

let counter = 0;
function input(overrides: Partial<KeyRequestInput> = {}): KeyRequestInput {
  counter += 1;
  return {
    requestId: `kr_appr${counter}`,
    keyId: `key_appr${String(counter).padStart(12, '0')}`,
    requesterId: OWNER,
    channelId: 'C0CHAN',
    name: 'Payments',
    environment: 'production',
    scopes: ['read'],
    lifetimeSeconds: 90 * 86400,
    reason: 'Launch',
    needsApproval: true,
    revealWindowSeconds: 24 * H,
    displaySeconds: 120,
    source: 'test',
    ...overrides,
  };
}

type Handle = WorkflowHandle<typeof keyRequestWorkflow>;

/*
 * Every workflow here runs to its end (handle.result() skips the remaining time) instead of being
 * terminated: terminating a run with an activity in flight leaks a time-skipping lock in the test
 * server (temporalio/sdk-java#1138), after which every later env.sleep runs in real time.
 */

async function withWorkflow<T>(o: { plan?: ApprovalPlan; overrides?: Overrides; input?: Partial<KeyRequestInput> }, fn: (handle: Handle, calls: Call[]) => Promise<T>): Promise<T> {
  const calls: Call[] = [];
  const worker = await Worker.create({ connection: env.nativeConnection, taskQueue: 'approvals', workflowBundle: await workflowBundle(), activities: mockActivities(calls, o.plan ?? plan(), o.overrides) });
  return worker.runUntil(async () => {
    const args = input(o.input);
    const handle = await env.client.workflow.start(keyRequestWorkflow, { taskQueue: 'approvals', workflowId: `wf-${args.requestId}`, args: [args] });
    return fn(handle, calls);
  });
}

async function waitForApprovalStatus(handle: Handle, status: ApprovalSnapshot['status']): Promise<void> {
  for (let i = 0; i < 400; i++) {
    if ((await handle.query(approvalQuery)).status === status) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`approval never reached ${status}`);
}

/** The refusal code the validator answered with, or the result when it accepted. */
async function outcomeOf(update: Promise<DecisionResult>): Promise<DecisionResult | string> {
  try {
    return await update;
  } catch (error) {
    if (error instanceof WorkflowUpdateFailedError) return (error.cause as Error).message;
    throw error;
  }
}

const approve = (handle: Handle, approverId: string) => outcomeOf(handle.executeUpdate(approveUpdate, { args: [{ approverId }] }));
const deny = (handle: Handle, approverId: string, reason: string) => outcomeOf(handle.executeUpdate(denyUpdate, { args: [{ approverId, reason }] }));
const cancel = (handle: Handle, userId: string) => outcomeOf(handle.executeUpdate(cancelUpdate, { args: [{ userId }] }));
const names = (calls: Call[]): string[] => calls.map((c) => c.name);
const argsOf = (calls: Call[], name: keyof Activities) => calls.filter((c) => c.name === name).map((c) => c.args);

describe('keyRequestWorkflow approvals', () => {
  it('asks the approvers, and one approval delivers the key the self-service way', async () => {
    await withWorkflow({}, async (handle, calls) => {
      await waitForApprovalStatus(handle, 'pending');
      expect(await handle.query(phaseQuery)).toBe('awaiting_approval');
      expect(await approve(handle, 'U0ANA')).toEqual({ outcome: 'APPROVED' });
      expect(await handle.result()).toBe('window_closed'); // nobody clicked Reveal within the window
      // The requester's key first, then the approvers' messages.
      expect(names(calls).slice(0, 6)).toEqual(['recordKeyRequest', 'planApproval', 'askApprovers', 'recordApprovalDecision', 'createAndOfferKey', 'announceApproval']);
      // The deciding approval records the outcome with it, in one activity.
      expect(argsOf(calls, 'recordApprovalDecision')).toEqual([expect.objectContaining({ approverId: 'U0ANA', decision: 'APPROVE', complete: true, outcome: 'approved' })]);
      expect(names(calls)).not.toContain('recordApprovalOutcome');
      const announced = argsOf(calls, 'announceApproval').map((a) => (a.snapshot as ApprovalSnapshot).status);
      expect(announced).toEqual(['approved']);
    });
  });

  it('refuses the requester and outsiders in the validator, and changes nothing', async () => {
    await withWorkflow({}, async (handle, calls) => {
      await waitForApprovalStatus(handle, 'pending');
      expect(await approve(handle, OWNER)).toBe('SELF_APPROVAL');
      expect(await deny(handle, OWNER, 'no')).toBe('SELF_APPROVAL');
      expect(await approve(handle, 'U0STRANGER')).toBe('NOT_APPROVER');
      expect(await approve(handle, 'U0ADMIN')).toBe('NOT_APPROVER'); // escalation only counts after escalateAfter
      expect(await cancel(handle, 'U0ANA')).toBe('NOT_REQUESTER');
      expect(await handle.query(approvalQuery)).toMatchObject({ status: 'pending', approvals: [], denial: null });
      expect(names(calls)).not.toContain('recordApprovalDecision');
      expect(await cancel(handle, OWNER)).toEqual({ outcome: 'CANCELLED' });
      expect(await handle.result()).toBe('cancelled');
    });
  });

  it('needs two different people when the policy requires two approvals; a double click counts once', async () => {
    await withWorkflow({ plan: plan({ required: 2 }) }, async (handle, calls) => {
      await waitForApprovalStatus(handle, 'pending');
      expect(await approve(handle, 'U0ANA')).toEqual({ outcome: 'MORE_NEEDED', approvals: 1, required: 2, missingRoles: [] });
      expect(await approve(handle, 'U0ANA')).toBe('ALREADY_DECIDED_BY_YOU');
      expect(await handle.query(approvalQuery)).toMatchObject({ status: 'pending', approvals: [{ approverId: 'U0ANA' }] });
      expect(await approve(handle, 'U0BEN')).toEqual({ outcome: 'APPROVED' });
      expect(await approve(handle, 'U0BEN')).toBe('ALREADY_APPROVED');
      await waitForPhase(handle, 'offered');
      expect(argsOf(calls, 'recordApprovalDecision').map((a) => [a.approverId, a.outcome])).toEqual([['U0ANA', undefined], ['U0BEN', 'approved']]);
      // The messages showed the first approval before the outcome.
      expect(argsOf(calls, 'announceApproval').map((a) => (a.snapshot as ApprovalSnapshot).status)).toEqual(['pending', 'approved']);
      expect(names(calls).filter((n) => n === 'createAndOfferKey')).toHaveLength(1);
      expect(await handle.result()).toBe('window_closed');
    });
  });

  it('waits for the sensitive approver as well when a sensitive scope is asked for', async () => {
    const sensitive = plan({
      groups: [
        { role: 'approvers', ids: ['S0PLATFORM'], members: ['U0ANA'], mandatory: true },
        { role: 'sensitive', ids: ['S0SECURITY'], members: ['U0SEC'], mandatory: true },
      ],
      sensitiveScopes: ['billing:read'],
    });
    await withWorkflow({ plan: sensitive, input: { scopes: ['read', 'billing:read'] } }, async (handle) => {
      await waitForApprovalStatus(handle, 'pending');
      expect(await approve(handle, 'U0ANA')).toEqual({ outcome: 'MORE_NEEDED', approvals: 1, required: 1, missingRoles: ['sensitive'] });
      expect(await approve(handle, 'U0SEC')).toEqual({ outcome: 'APPROVED' });
      await waitForPhase(handle, 'offered');
      expect(await handle.result()).toBe('window_closed');
    });
  });

  it('ends with the reason on a denial; a blank reason is refused', async () => {
    await withWorkflow({}, async (handle, calls) => {
      await waitForApprovalStatus(handle, 'pending');
      expect(await deny(handle, 'U0ANA', '   ')).toBe('REASON_REQUIRED');
      expect(await deny(handle, 'U0ANA', 'Use the staging key instead.')).toEqual({ outcome: 'DENIED' });
      expect(await handle.result()).toBe('denied');
      expect(argsOf(calls, 'recordApprovalDecision')).toEqual([expect.objectContaining({ approverId: 'U0ANA', decision: 'DENY', reason: 'Use the staging key instead.', outcome: 'denied' })]);
      expect((argsOf(calls, 'announceApproval')[0]?.snapshot as ApprovalSnapshot).denial).toMatchObject({ approverId: 'U0ANA', reason: 'Use the staging key instead.' });
      expect(names(calls)).not.toContain('createAndOfferKey');
    });
  });

  it('lets the requester cancel while pending, and refuses decisions afterwards', async () => {
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    await withWorkflow({ overrides: { announceApproval: () => held } }, async (handle, calls) => {
      await waitForApprovalStatus(handle, 'pending');
      expect(await cancel(handle, OWNER)).toEqual({ outcome: 'CANCELLED' });
      expect(await approve(handle, 'U0ANA')).toBe('ALREADY_CANCELLED');
      expect(await cancel(handle, OWNER)).toBe('ALREADY_CANCELLED');
      release();
      expect(await handle.result()).toBe('cancelled');
      expect(argsOf(calls, 'recordApprovalOutcome')).toEqual([expect.objectContaining({ outcome: 'cancelled', by: OWNER })]);
      expect(names(calls)).not.toContain('createAndOfferKey');
    });
  });

  it('reminds every 4h, escalates after 24h and expires after 72h, over simulated days', async () => {
    await withWorkflow({ plan: plan({ required: 2 }) }, async (handle, calls) => {
      await waitForApprovalStatus(handle, 'pending');
      expect(await approve(handle, 'U0ANA')).toMatchObject({ outcome: 'MORE_NEEDED' });
      await env.sleep('3d');
      expect(await handle.result()).toBe('timed_out');

      const reminders = argsOf(calls, 'remindApprovers');
      expect(reminders.map((r) => (r.waitedSeconds as number) / H)).toEqual([4, 8, 12, 16, 20, 24, 28, 32, 36, 40, 44, 48, 52, 56, 60, 64, 68]);
      // Reminders go to those who have not decided; after the escalation, the escalation group too.
      expect(reminders[0]?.userIds).toEqual(['U0BEN']);
      expect(reminders[6]?.userIds).toEqual(['U0BEN', 'U0ADMIN']);
      expect(argsOf(calls, 'escalateApproval').map((e) => (e.waitedSeconds as number) / H)).toEqual([24]);
      expect(argsOf(calls, 'recordApprovalOutcome')).toEqual([expect.objectContaining({ outcome: 'timed_out', by: 'system' })]);
      expect((argsOf(calls, 'announceApproval').at(-1)?.snapshot as ApprovalSnapshot).status).toBe('timed_out');
      expect(names(calls)).not.toContain('createAndOfferKey');
    });
  });

  it('lets the escalation group decide once the request has escalated', async () => {
    await withWorkflow({}, async (handle) => {
      await waitForApprovalStatus(handle, 'pending');
      expect(await approve(handle, 'U0ADMIN')).toBe('NOT_APPROVER');
      await env.sleep('25h');
      expect((await handle.query(approvalQuery)).escalated).toBe(true);
      expect(await approve(handle, 'U0ADMIN')).toEqual({ outcome: 'APPROVED' });
      await waitForPhase(handle, 'offered');
      expect(await handle.result()).toBe('window_closed');
    });
  });

  it('never lets the escalation group stand in for the sensitive approvers', async () => {
    const sensitive = plan({
      groups: [
        { role: 'approvers', ids: ['S0PLATFORM'], members: ['U0ANA'], mandatory: true },
        { role: 'sensitive', ids: ['S0SECURITY'], members: ['U0SEC'], mandatory: true },
      ],
      sensitiveScopes: ['billing:read'],
    });
    await withWorkflow({ plan: sensitive, input: { scopes: ['read', 'billing:read'] } }, async (handle, calls) => {
      await waitForApprovalStatus(handle, 'pending');
      await env.sleep('25h');
      expect((await handle.query(approvalQuery)).escalated).toBe(true);
      // The escalated admin decides for the ordinary approvers; the security approver is still needed.
      expect(await approve(handle, 'U0ADMIN')).toEqual({ outcome: 'MORE_NEEDED', approvals: 1, required: 1, missingRoles: ['sensitive'] });
      expect((await handle.query(approvalQuery)).status).toBe('pending');
      expect(await approve(handle, 'U0SEC')).toEqual({ outcome: 'APPROVED' });
      await waitForPhase(handle, 'offered');
      expect(await handle.result()).toBe('window_closed');
      expect(names(calls)).toContain('createAndOfferKey');
    });
  });

  it('races the timeout: a decision a second before it wins, one after it is refused', async () => {
    await withWorkflow({}, async (handle, calls) => {
      await waitForApprovalStatus(handle, 'pending');
      await env.sleep(72 * H * 1000 - 1000);
      expect(await approve(handle, 'U0BEN')).toEqual({ outcome: 'APPROVED' });
      await env.sleep('2s');
      await waitForPhase(handle, 'offered');
      expect(argsOf(calls, 'recordApprovalDecision')).toEqual([expect.objectContaining({ approverId: 'U0BEN', outcome: 'approved' })]);
      expect(names(calls)).not.toContain('recordApprovalOutcome');
      expect(await handle.result()).toBe('window_closed');
    });

    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    await withWorkflow({ overrides: { announceApproval: () => held } }, async (handle, calls) => {
      await waitForApprovalStatus(handle, 'pending');
      await env.sleep(72 * H * 1000 + 1000);
      await waitForApprovalStatus(handle, 'timed_out');
      expect(await approve(handle, 'U0BEN')).toBe('ALREADY_TIMED_OUT');
      expect(await deny(handle, 'U0BEN', 'too late')).toBe('ALREADY_TIMED_OUT');
      release();
      expect(await handle.result()).toBe('timed_out');
      expect(names(calls)).not.toContain('recordApprovalDecision');
      expect(names(calls)).not.toContain('createAndOfferKey');
    });
  });

  it('answers NOT_PENDING for a key that needed no approval', async () => {
    await withWorkflow({ input: { needsApproval: false, environment: 'test' } }, async (handle, calls) => {
      await waitForPhase(handle, 'offered');
      expect(await approve(handle, 'U0ANA')).toBe('NOT_PENDING');
      expect(names(calls)).not.toContain('planApproval');
      expect(await handle.result()).toBe('window_closed');
    });
  });
});

async function waitForPhase(handle: Handle, phase: string): Promise<void> {
  for (let i = 0; i < 400; i++) {
    if ((await handle.query(phaseQuery)) === phase) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`workflow never reached ${phase}`);
}
