import type { Logger } from './log';

/**
 * Runs `stop` once on SIGTERM or SIGINT, then exits. A second signal while stopping exits at once:
 * someone pressing Ctrl-C twice means it.
 */
export function onShutdownSignal(options: { log: Logger; stop: () => Promise<void> }): void {
  let stopping = false;
  const handle = (signal: NodeJS.Signals): void => {
    if (stopping) {
      options.log.warn('second signal: exiting now', { signal });
      process.exit(1);
    }
    stopping = true;
    options.log.info('shutting down', { signal });
    const started = Date.now();
    options
      .stop()
      .then(() => {
        options.log.info('stopped', { ms: Date.now() - started });
        process.exit(0);
      })
      .catch((error: unknown) => {
        options.log.error('shutdown failed', { error });
        process.exit(1);
      });
  };
  process.on('SIGTERM', handle);
  process.on('SIGINT', handle);
}
