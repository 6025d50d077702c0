/**
 * keyLifecycleWorkflow over a year of simulated time on the time-skipping test server: the expiry
 * notices at the policy's schedule, the expiry, an extension moving them, the unused-key checks,
 * Keep, continue-as-new and a revocation made elsewhere. Times are asserted in days from the
 * reveal, to the minute (the test server's clock includes the real time the test takes).
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { extendUpdate, keepUpdate, keyChangedSignal, keyLifecycleWorkflow, keyLifecycleWorkflowId, lifecycleQuery, type KeyLifecycleInput } from '../../workflows/keyLifecycle';
import { DAY, FakeLifecycleStore, type SeenEvent } from '../support/fakeLifecycleStore';
import { createTimeSkippingEnv, workflowBundle } from '../support/temporal';

let env: TestWorkflowEnvironment;
beforeAll(async () => {
  env = await createTimeSkippingEnv();
});
afterAll(async () => {
  await env?.teardown();
});

let counter = 0;

async function setUp(options: { lifetimeDays: number; busy?: boolean; lastUsedDaysAgo?: number | null }) {
  const store = new FakeLifecycleStore(() => env.currentTimeMs());
  const t0 = await env.currentTimeMs();
  const keyId = `key_life${String(++counter).padStart(12, '0')}`;
  // One task queue per test: a worker left over from a failed test cannot take another's tasks.
  const TASK_QUEUE = `lifecycle-${counter}`;
  store.add({ id: keyId, revealedAtMs: t0, expiresAtMs: t0 + options.lifetimeDays * DAY, lastUsedAtMs: options.lastUsedDaysAgo == null ? null : t0 - options.lastUsedDaysAgo * DAY });
  if (options.busy) store.busy.add(keyId);
  const worker = await Worker.create({ connection: env.nativeConnection, taskQueue: TASK_QUEUE, workflowBundle: await workflowBundle(), activities: store.activities() });
  const start = (input: Partial<KeyLifecycleInput> = {}) =>
    env.client.workflow.start(keyLifecycleWorkflow, { taskQueue: TASK_QUEUE, workflowId: keyLifecycleWorkflowId(keyId), args: [{ keyId, ...input }] });
  /** Days since the reveal, to the minute. */
  const day = (e: SeenEvent): number => Math.round(((e.at - t0) / DAY) * 1440) / 1440;
  return { store, keyId, t0, worker, start, day };
}

const near = (value: number, expected: number): boolean => Math.abs(value - expected) < 2 / 1440;

describe('keyLifecycleWorkflow', () => {
  it('sends the 14-, 3- and 1-day notices at their times and expires the key after a year', async () => {
    const { store, keyId, worker, start, day } = await setUp({ lifetimeDays: 365, busy: true });
    const end = await worker.runUntil(async () => {
      const handle = await start();
      await env.sleep('366d');
      return handle.result();
    });
    expect(end).toBe('expired');
    const notices = store.eventsOf('expiry_notice', keyId);
    expect(notices.map((e) => e.details?.beforeDays)).toEqual([14, 3, 1]);
    expect(notices.map(day).every((d, i) => near(d, [351, 362, 364][i] as number))).toBe(true);
    const expired = store.eventsOf('expired', keyId);
    expect(expired).toHaveLength(1);
    expect(near(day(expired[0] as SeenEvent), 365)).toBe(true);
    // Used all year: no unused-key notice.
    expect(store.eventsOf('unused_notice', keyId)).toEqual([]);
  });

  it('moves every notice and the expiry when the key is extended', async () => {
    const { store, keyId, worker, start, day } = await setUp({ lifetimeDays: 30, busy: true });
    const end = await worker.runUntil(async () => {
      const handle = await start();
      await env.sleep('10d');
      await handle.executeUpdate(extendUpdate, { args: [{ extensionId: 'ext-1', actorId: 'U0OWNER', lifetimeSeconds: 90 * 86400, replyTo: null }] });
      await env.sleep('91d');
      return handle.result();
    });
    expect(end).toBe('expired');
    // Expires at day 10 + 90 = 100: notices at 86, 97 and 99, none at the old 16, 27 and 29.
    expect(store.eventsOf('expiry_notice', keyId).map(day).map(Math.round)).toEqual([86, 97, 99]);
    expect(Math.round(day(store.eventsOf('expired', keyId)[0] as SeenEvent))).toBe(100);
  });

  it('skips a notice that was already past when the expiry was set (a 7-day key)', async () => {
    const { store, keyId, worker, start } = await setUp({ lifetimeDays: 7, busy: true });
    await worker.runUntil(async () => {
      const handle = await start();
      await env.sleep('8d');
      return handle.result();
    });
    expect(store.eventsOf('expiry_notice', keyId).map((e) => e.details?.beforeDays)).toEqual([3, 1]);
  });

  it('sends only the most urgent of several notices that fell due together (a worker down for days)', async () => {
    const { store, keyId, t0, worker, start, day } = await setUp({ lifetimeDays: 0.5, busy: true });
    const end = await worker.runUntil(async () => {
      // The plan, as the run before this one left it: the key's 30 days started 29.5 days ago and
      // no notice went out, so the 14-, 3- and 1-day notices are all overdue at once.
      const handle = await start({ noticePlan: { expiresAtMs: t0 + 0.5 * DAY, plannedFromMs: t0 - 29.5 * DAY, sentBeforeSeconds: [] } });
      await env.sleep('1d');
      return handle.result();
    });
    expect(end).toBe('expired');
    const notices = store.eventsOf('expiry_notice', keyId);
    expect(notices.map((e) => e.details?.beforeDays)).toEqual([1]);
    expect(day(notices[0] as SeenEvent)).toBeLessThan(0.01);
  });

  it('tells the owner of a never-used key after 14 days, and after Keep waits 90 days to ask again', async () => {
    const { store, keyId, worker, start, day } = await setUp({ lifetimeDays: 365 });
    await worker.runUntil(async () => {
      const handle = await start();
      await env.sleep('15d');
      expect(store.eventsOf('unused_notice', keyId).map((e) => e.details?.kind)).toEqual(['never_used']);
      await env.sleep('5d');
      await handle.executeUpdate(keepUpdate, { args: [{ keepId: 'keep-1', actorId: 'U0OWNER', replyTo: null }] });
      await env.sleep('91d');
      await handle.terminate('test done');
    });
    const notices = store.eventsOf('unused_notice', keyId);
    expect(notices.map(day).map(Math.round)).toEqual([14, 110]);
    expect(store.eventsOf('kept', keyId)).toHaveLength(1);
  });

  it('tells the owner 90 days after the last use, re-planning when the key was used meanwhile', async () => {
    const { store, keyId, worker, start, day } = await setUp({ lifetimeDays: 365, lastUsedDaysAgo: 0 });
    await worker.runUntil(async () => {
      const handle = await start();
      await env.sleep('60d');
      // The verify path records a use on day 60 (in batches, without telling the workflow).
      (store.keys.get(keyId) as { lastUsedAtMs: number }).lastUsedAtMs = await env.currentTimeMs();
      await env.sleep('91d');
      await handle.terminate('test done');
    });
    expect(store.eventsOf('unused_notice', keyId).map(day).map(Math.round)).toEqual([150]);
    expect(store.eventsOf('unused_notice', keyId)[0]?.details?.kind).toBe('unused');
  });

  it('continues as new to keep its history small, without repeating a notice', async () => {
    const { store, keyId, worker, start } = await setUp({ lifetimeDays: 365, busy: true });
    const { end, runs } = await worker.runUntil(async () => {
      const handle = await start({ maxHistoryEvents: 12 });
      const firstRun = (await handle.describe()).runId;
      await env.sleep('366d');
      const result = await handle.result();
      return { end: result, runs: (await env.client.workflow.getHandle(keyLifecycleWorkflowId(keyId)).describe()).runId !== firstRun };
    });
    expect(end).toBe('expired');
    expect(runs).toBe(true);
    expect(store.eventsOf('expiry_notice', keyId).map((e) => e.details?.beforeDays)).toEqual([14, 3, 1]);
    expect(store.eventsOf('expired', keyId)).toHaveLength(1);
  });

  it('ends at once when told the key was revoked elsewhere', async () => {
    const { store, keyId, t0, worker, start } = await setUp({ lifetimeDays: 90, busy: true });
    const { end, before, endedAt } = await worker.runUntil(async () => {
      const handle = await start();
      await env.sleep('1d');
      const state = await handle.query(lifecycleQuery);
      (store.keys.get(keyId) as { status: string }).status = 'REVOKED';
      await handle.signal(keyChangedSignal);
      // Waiting for the result lets the test server skip ahead: without the signal the workflow
      // would close at its next timer (the 14-day notice, on day 76), having seen the revocation then.
      const result = await handle.result();
      return { end: result, before: state, endedAt: (await handle.describe()).closeTime?.getTime() ?? NaN };
    });
    expect(before.facts?.status).toBe('ACTIVE');
    expect(before.next?.kind).toBe('expiry_notice');
    expect(end).toBe('revoked');
    expect((endedAt - t0) / DAY).toBeLessThan(2);
    expect(store.eventsOf('expiry_notice', keyId)).toEqual([]);
  });
});
