/**
 * Counts workflow starts by type and outcome, through the client's interceptors so that every
 * start (plain, signal-with-start, update-with-start) is seen without touching its call site.
 */
import { WorkflowExecutionAlreadyStartedError, type WorkflowClientInterceptor } from '@temporalio/client';
import { workflowStarts } from '../runtime/metrics';

async function counted<T>(workflowType: string, start: () => Promise<T>): Promise<T> {
  try {
    const result = await start();
    workflowStarts.inc({ workflow_type: workflowType, outcome: 'started' });
    return result;
  } catch (error) {
    workflowStarts.inc({ workflow_type: workflowType, outcome: error instanceof WorkflowExecutionAlreadyStartedError ? 'already_started' : 'failed' });
    throw error;
  }
}

export const workflowStartMetrics: WorkflowClientInterceptor = {
  startWithDetails: (input, next) => counted(input.workflowType, () => next(input)),
  signalWithStart: (input, next) => counted(input.workflowType, () => next(input)),
  startUpdateWithStart: (input, next) => counted(input.workflowType, () => next(input)),
};
