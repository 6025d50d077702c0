import { DefaultLogger, Runtime, type LogLevel as TemporalLogLevel } from '@temporalio/worker';
import type { Logger } from '../runtime/log';

/**
 * Routes the Temporal SDK's own logs (worker state, core) into keyops's structured logs, and leaves
 * signals to keyops. Must run before the first Temporal connection of the process; later calls
 * are ignored.
 */
export function installTemporalLogging(options: { log: Logger; level?: TemporalLogLevel }): void {
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
    });
  } catch {
    // Already installed (tests create their own runtime first): keep it.
  }
}
