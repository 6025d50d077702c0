/**
 * Tells key lifecycles about first calls. The API records a key's first call in the store, in its
 * once-a-second usage flush (api/usage.ts), never with a write per request; this sweep, in every
 * worker, reads the recent first calls nobody has reported yet and signals each key's lifecycle to
 * re-read the key, which then reports it to the owner.
 *
 * The store is the truth and the signal only makes the lifecycle look now: a signal lost to a
 * restart or to Temporal being away is sent again by a later sweep, and a lifecycle that starts
 * after the call (the key was still on screen) reads it when it starts. Several workers sweeping
 * at once send the same signal twice, which changes nothing: the report happens once.
 *
 * Cost: one indexed read of the last day's unreported first calls every `intervalMs` (a handful of
 * rows), and one signal per first call.
 */
import type { Db } from '../db/client';
import type { Logger } from '../runtime/log';
import type { KeyLifecycles } from './keyLifecycles';

export interface FirstCallSweep {
  /** One sweep now (tests; the timer runs them otherwise). */
  sweep(): Promise<void>;
  stop(): Promise<void>;
}

/** Older unreported first calls are left to their lifecycle's own next read of the key. */
const LOOK_BACK_MS = 24 * 3_600_000;
const MAX_PER_SWEEP = 500;

export function startFirstCallSweep(options: { db: Db; lifecycles: Pick<KeyLifecycles, 'notifyChanged'>; log: Logger; clock: () => Date; intervalMs?: number; resendAfterMs?: number }): FirstCallSweep {
  const { db, lifecycles, log } = options;
  const resendAfterMs = options.resendAfterMs ?? 60_000;
  /** Key id → when it was last signalled: a lifecycle not running yet is asked again later, not every sweep. */
  let signalled = new Map<string, number>();
  let running: Promise<void> = Promise.resolve();

  const sweepOnce = async (): Promise<void> => {
    const now = options.clock().getTime();
    const keys = await db.apiKey.findMany({
      where: { firstCallAt: { gte: new Date(now - LOOK_BACK_MS) }, firstCallSettledAt: null, status: 'ACTIVE' },
      select: { id: true },
      orderBy: { firstCallAt: 'asc' },
      take: MAX_PER_SWEEP,
    });
    const next = new Map<string, number>();
    for (const { id } of keys) {
      const last = signalled.get(id);
      if (last !== undefined && now - last < resendAfterMs) {
        next.set(id, last);
        continue;
      }
      try {
        await lifecycles.notifyChanged(id);
        next.set(id, now);
      } catch (error) {
        log.warn('could not tell a key lifecycle about its first call; the next sweep tries again', { keyId: id, error: (error as Error).message });
      }
    }
    signalled = next;
  };

  const sweep = (): Promise<void> => {
    running = running.then(sweepOnce).catch((error: unknown) => log.warn('first-call sweep failed; the next one tries again', { error: (error as Error).message }));
    return running;
  };
  const timer = setInterval(() => void sweep(), options.intervalMs ?? 2_000);
  timer.unref();
  return {
    sweep,
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
