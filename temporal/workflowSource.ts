/**
 * Where the worker's workflow code comes from: the bundle `npm run build` wrote next to the
 * compiled code (scripts/bundle-workflows.js), so that no worker start spends seconds of CPU on
 * webpack; without one (tests and tsx run from the sources) the SDK bundles workflows/ at start.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { WorkerOptions } from '@temporalio/worker';
import type { Logger } from '../runtime/log';

/** dist/workflow-bundle.js, seen from dist/temporal/. From the sources it names a file that is never there. */
export const PREBUILT_WORKFLOW_BUNDLE = path.join(__dirname, '..', 'workflow-bundle.js');

export type WorkflowSource = Pick<WorkerOptions, 'workflowBundle' | 'workflowsPath'>;

export function chooseWorkflowSource(options: { workflowBundle?: WorkerOptions['workflowBundle']; prebuiltPath?: string; log: Logger }): WorkflowSource {
  if (options.workflowBundle) return { workflowBundle: options.workflowBundle };
  const prebuilt = options.prebuiltPath ?? PREBUILT_WORKFLOW_BUNDLE;
  if (existsSync(prebuilt)) {
    options.log.info('workflows from the prebuilt bundle', { workflowBundle: prebuilt });
    return { workflowBundle: { codePath: prebuilt } };
  }
  const workflowsPath = require.resolve('../workflows');
  options.log.info('no prebuilt workflow bundle (npm run build writes it): bundling workflows at start', { workflowsPath });
  return { workflowsPath };
}
