/**
 * A click's workflow update through a Temporal that briefly refuses it (temporal/updates.ts): sent
 * again, under its one update id, while Temporal says the workflow's task is being retried or it
 * cannot be reached; a real refusal by the workflow passes at once; past the deadline the caller
 * is told so it can tell the person.
 */
import { ServiceError, WorkflowUpdateFailedError } from '@temporalio/client';
import { refusalCode, sendUpdateRetrying, UpdateUnavailable } from '../../../temporal/updates';

/** What @temporalio/client throws for a refused UpdateWorkflowExecution (a gRPC status under a ServiceError). */
function grpcRefusal(code: number, details: string): ServiceError {
  const cause = Object.assign(new Error(`${code} ${details}`), { code, details, metadata: { get: () => [] } });
  return new ServiceError('Workflow Update failed', { cause });
}

describe('sendUpdateRetrying', () => {
  it('sends again while the workflow task is in failed state, then answers', async () => {
    let calls = 0;
    const result = await sendUpdateRetrying(async () => {
      calls += 1;
      if (calls < 3) throw grpcRefusal(9, 'Unable to perform workflow execution update due to Workflow Task in failed state.');
      return { accepted: true };
    }, { deadlineMs: 10_000 });
    expect(result).toEqual({ accepted: true });
    expect(calls).toBe(3);
  });

  it('sends again while the server is unavailable', async () => {
    let calls = 0;
    await sendUpdateRetrying(async () => {
      calls += 1;
      if (calls < 2) throw grpcRefusal(14, 'connection refused');
      return 'ok';
    }, { deadlineMs: 10_000 });
    expect(calls).toBe(2);
  });

  it("passes the workflow's own refusal, and other preconditions, through at once", async () => {
    const refusal = new WorkflowUpdateFailedError('Workflow Update failed', new Error('ALREADY_REVEALED'));
    let calls = 0;
    await expect(sendUpdateRetrying(async () => {
      calls += 1;
      throw refusal;
    }, { deadlineMs: 10_000 })).rejects.toBe(refusal);
    const other = grpcRefusal(9, 'Workflow is not running');
    await expect(sendUpdateRetrying(async () => {
      calls += 1;
      throw other;
    }, { deadlineMs: 10_000 })).rejects.toBe(other);
    expect(calls).toBe(2);
  });

  it('gives up with UpdateUnavailable once the deadline has passed', async () => {
    const error = await sendUpdateRetrying(async () => {
      throw grpcRefusal(9, 'Workflow Task in failed state');
    }, { deadlineMs: 600 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UpdateUnavailable);
  });

  it('sends again while the workflow refuses with a "not yet" code, and keeps that refusal once the deadline passes', async () => {
    const notYet = (error: unknown) => refusalCode(error) === 'NOT_READY';
    let calls = 0;
    const result = await sendUpdateRetrying(async () => {
      calls += 1;
      if (calls < 3) throw new WorkflowUpdateFailedError('Workflow Update failed', new Error('NOT_READY'));
      return { accepted: true };
    }, { deadlineMs: 10_000, notYet });
    expect(result).toEqual({ accepted: true });
    expect(calls).toBe(3);

    const late = await sendUpdateRetrying(async () => {
      throw new WorkflowUpdateFailedError('Workflow Update failed', new Error('NOT_READY'));
    }, { deadlineMs: 600, notYet }).catch((e: unknown) => e);
    expect(late).toBeInstanceOf(UpdateUnavailable);
    expect(refusalCode((late as UpdateUnavailable).last)).toBe('NOT_READY');
  });
});
