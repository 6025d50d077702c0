import { Client, Connection } from '@temporalio/client';
import { workflowStartMetrics } from './startMetrics';

export interface TemporalHandle {
  client: Client;
  connection: Connection;
  close(): Promise<void>;
}

export async function connectTemporal(options: { address: string; namespace: string; connectTimeoutMs?: number }): Promise<TemporalHandle> {
  const connection = await Connection.connect({ address: options.address, ...(options.connectTimeoutMs ? { connectTimeout: options.connectTimeoutMs } : {}) });
  const client = new Client({ connection, namespace: options.namespace, interceptors: { workflow: [workflowStartMetrics] } });
  return { client, connection, close: () => connection.close() };
}

/** Health: the namespace answers within the deadline. */
export async function pingTemporal(options: { handle: TemporalHandle; namespace: string; timeoutMs?: number }): Promise<void> {
  await options.handle.connection.withDeadline(Date.now() + (options.timeoutMs ?? 2000), () =>
    options.handle.connection.workflowService.describeNamespace({ namespace: options.namespace }),
  );
}
