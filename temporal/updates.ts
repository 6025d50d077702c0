/**
 * Sending a workflow update from a click while Temporal briefly cannot take it.
 *
 * Right after a worker was killed, Temporal refuses updates for a while: the workflow's task is
 * being retried (FAILED_PRECONDITION "Workflow Task in failed state": a task the dead worker held
 * timed out, or the restarted worker, busy starting, was too slow with one), or the server is
 * unreachable or slow (UNAVAILABLE, DEADLINE_EXCEEDED, RESOURCE_EXHAUSTED). The click was acked
 * before the update was sent (Slack's 3 seconds), so giving up at the first refusal dropped it
 * without a word: no key, no answer. The update is sent again under the same update id (Temporal
 * runs one update per id in a workflow, so a retry never applies it twice) until it goes through
 * or `deadlineMs` passes; then the caller tells the person.
 */
import { isGrpcServiceError, ServiceError, WorkflowUpdateFailedError, WorkflowUpdateRPCTimeoutOrCancelledError } from '@temporalio/client';

/** gRPC status codes (numeric, as @grpc/grpc-js defines them) worth another try. */
const DEADLINE_EXCEEDED = 4;
const RESOURCE_EXHAUSTED = 8;
const FAILED_PRECONDITION = 9;
const UNAVAILABLE = 14;

/** Temporal could not take the update within the deadline; nothing was applied. */
export class UpdateUnavailable extends Error {
  constructor(readonly last: unknown) {
    super(`Temporal did not take the update in time: ${(last as Error)?.message ?? String(last)}`);
    this.name = 'UpdateUnavailable';
  }
}

export function isTransientUpdateError(error: unknown): boolean {
  if (error instanceof WorkflowUpdateRPCTimeoutOrCancelledError) return true;
  const grpc = error instanceof ServiceError ? error.cause : error;
  if (!isGrpcServiceError(grpc)) return false;
  if (grpc.code === FAILED_PRECONDITION) return /workflow task in failed state/i.test(grpc.details ?? grpc.message);
  return grpc.code === UNAVAILABLE || grpc.code === DEADLINE_EXCEEDED || grpc.code === RESOURCE_EXHAUSTED;
}

/**
 * Runs `send` (an update with a fixed update id) until it settles otherwise than transiently.
 * `notYet` names refusals that mean the workflow has not caught up with what the clicker sees (it
 * is replaying after a restart, or an activity that already posted the message has not reported
 * back): a refused update is not recorded, so the same id can be sent again.
 */
export async function sendUpdateRetrying<T>(send: () => Promise<T>, options: { deadlineMs: number; notYet?: (error: unknown) => boolean }): Promise<T> {
  const deadline = Date.now() + options.deadlineMs;
  for (let delayMs = 250; ; delayMs = Math.min(delayMs * 2, 4000)) {
    try {
      return await send();
    } catch (error) {
      if (!isTransientUpdateError(error) && !options.notYet?.(error)) throw error;
      if (Date.now() + delayMs > deadline) throw new UpdateUnavailable(error);
      await new Promise((resolve) => setTimeout(resolve, delayMs));
    }
  }
}

/** A validator's refusal by its code (the error message the workflow threw). */
export function refusalCode(error: unknown): string | null {
  if (!(error instanceof WorkflowUpdateFailedError)) return null;
  return (error.cause as Error | undefined)?.message ?? null;
}
