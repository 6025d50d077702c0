import { createServer } from 'node:net';
import { DefaultLogger, Runtime, type LogLevel as TemporalLogLevel } from '@temporalio/worker';
import type { Logger } from '../runtime/log';

/**
 * Routes the Temporal SDK's own logs (worker state, core) into keyops's structured logs, leaves
 * signals to keyops, and (with `metrics`) has the SDK's core export its metrics in Prometheus
 * format on a loopback port, which keyops's own /metrics appends (temporal/sdkMetrics.ts). Must
 * run before the first Temporal connection of the process; later calls are ignored, and answer
 * false.
 */
export function installTemporalLogging(options: { log: Logger; level?: TemporalLogLevel; metricsBindAddress?: string }): boolean {
  const levelOf = { TRACE: 'debug', DEBUG: 'debug', INFO: 'info', WARN: 'warn', ERROR: 'error' } as const;
  try {
    Runtime.install({
      // keyops's own shutdown (runtime/shutdown.ts) stops the worker, in order with everything
      // else; the SDK reacting to SIGTERM too made the two race (the worker was already draining
      // when keyops asked it to stop, and the steps after that one were skipped).
      shutdownSignals: [],
      logger: new DefaultLogger(options.level ?? 'INFO', (entry) => {
        options.log[levelOf[entry.level]](entry.message, { ...(entry.meta ?? {}) });
      }),
      ...(options.metricsBindAddress
        ? { telemetryOptions: { metrics: { prometheus: { bindAddress: options.metricsBindAddress, countersTotalSuffix: true, useSecondsForDurations: true } } } }
        : {}),
    });
    return true;
  } catch {
    // Already installed (tests create their own runtime first): keep it.
    return false;
  }
}

/** A free loopback address for the SDK's metrics exporter (only this process reads it). */
export async function freeLoopbackAddress(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `127.0.0.1:${port}`;
}

/** The SDK's exposition, for keyops's /metrics to append. */
export function sdkMetricsReader(bindAddress: string): () => Promise<string> {
  return async () => {
    const res = await fetch(`http://${bindAddress}/metrics`, { signal: AbortSignal.timeout(2000) });
    return res.ok ? res.text() : '';
  };
}
