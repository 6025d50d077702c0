import type { Logger } from './log';

/**
 * Every role stops within this, whatever is unreachable (Slack, the database, Temporal) and
 * whatever a client is still sending: orchestrators SIGKILL at 10 s or so, and a person pressing
 * Ctrl-C must not get the prompt back while keyops still holds the embedded PostgreSQL.
 */
export const SHUTDOWN_DEADLINE_MS = 9_000;

export interface StopStep {
  name: string;
  stop: () => Promise<void>;
}

/**
 * Runs the steps in order, each within what is left of the deadline less `reserveMs` for each
 * step after it (so the last steps, such as stopping the embedded PostgreSQL, always get their
 * turn). A step that overruns is logged as cut short and left behind: what it was draining is
 * Temporal's to retry. Never throws.
 */
export async function runStopSteps(steps: readonly StopStep[], options: { log: Logger; deadlineMs: number; reserveMs?: number }): Promise<void> {
  const endsAt = Date.now() + options.deadlineMs;
  const reserve = options.reserveMs ?? 1_000;
  for (const [i, step] of steps.entries()) {
    const budget = Math.max(100, endsAt - Date.now() - reserve * (steps.length - 1 - i));
    let timer: NodeJS.Timeout | undefined;
    const cut = new Promise<'cut'>((resolve) => (timer = setTimeout(() => resolve('cut'), budget)));
    const outcome = await Promise.race([step.stop().then(() => 'done' as const, (error: unknown) => (options.log.error('shutdown step failed', { step: step.name, error }), 'failed' as const)), cut]);
    clearTimeout(timer);
    if (outcome === 'cut') options.log.warn('shutdown step cut short', { step: step.name, afterMs: budget });
  }
}

/**
 * Runs `stop` once on SIGTERM or SIGINT, then exits. A second signal while stopping exits at once:
 * someone pressing Ctrl-C twice means it. Past the deadline it exits anyway, saying so.
 */
export function onShutdownSignal(options: { log: Logger; stop: () => Promise<void>; deadlineMs?: number }): void {
  let stopping = false;
  const handle = (signal: NodeJS.Signals): void => {
    if (stopping) {
      options.log.warn('second signal: exiting now', { signal });
      process.exit(1);
    }
    stopping = true;
    options.log.info('shutting down', { signal });
    const started = Date.now();
    const deadlineMs = (options.deadlineMs ?? SHUTDOWN_DEADLINE_MS) + 500;
    setTimeout(() => {
      options.log.error('shutdown deadline passed: exiting with work left', { ms: Date.now() - started });
      process.exit(1);
    }, deadlineMs).unref();
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
