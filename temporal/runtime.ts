import { DefaultLogger, Runtime, type LogLevel as TemporalLogLevel } from '@temporalio/worker';
import type { Logger } from '../runtime/log';

/**
 * Routes the Temporal SDK's own logs (worker state, core) into keyops's structured logs. Must run
 * before the first Temporal connection of the process; later calls are ignored.
 */
export function installTemporalLogging(options: { log: Logger; level?: TemporalLogLevel }): void {
  const levelOf = { TRACE: 'debug', DEBUG: 'debug', INFO: 'info', WARN: 'warn', ERROR: 'error' } as const;
  try {
    Runtime.install({
      logger: new DefaultLogger(options.level ?? 'INFO', (entry) => {
        options.log[levelOf[entry.level]](entry.message, { ...(entry.meta ?? {}) });
      }),
    });
  } catch {
    // Already installed (tests create their own runtime first): keep it.
  }
}
