import { Client, Connection, type DataConverter } from '@temporalio/client';
import type { TemporalConnectionSettings } from '../config/temporalConnection';
import { explainConnectError } from './connectError';
import { sdkConnectionOptions } from './connectionOptions';
import { workflowStartMetrics } from './startMetrics';

export interface TemporalHandle {
  client: Client;
  connection: Connection;
  close(): Promise<void>;
}

/** `lazy`: connect at the first call instead of now, so a server that is down does not stop start-up. */
export async function connectTemporal(options: TemporalConnectionSettings & { connectTimeoutMs?: number; lazy?: boolean; dataConverter?: DataConverter }): Promise<TemporalHandle> {
  const connectionOptions = { ...sdkConnectionOptions(options), ...(options.connectTimeoutMs ? { connectTimeout: options.connectTimeoutMs } : {}) };
  let connection: Connection;
  try {
    connection = options.lazy ? Connection.lazy(connectionOptions) : await Connection.connect(connectionOptions);
  } catch (error) {
    throw await explainConnectError(error, options);
  }
  const client = new Client({ connection, namespace: options.namespace, interceptors: { workflow: [workflowStartMetrics] }, ...(options.dataConverter ? { dataConverter: options.dataConverter } : {}) });
  return { client, connection, close: () => connection.close() };
}

/** Health: the namespace answers within the deadline. */
export async function pingTemporal(options: { handle: TemporalHandle; namespace: string; timeoutMs?: number }): Promise<void> {
  await options.handle.connection.withDeadline(Date.now() + (options.timeoutMs ?? 2000), () =>
    options.handle.connection.workflowService.describeNamespace({ namespace: options.namespace }),
  );
}
