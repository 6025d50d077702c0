/**
 * Records when keys were last used without a database write per request: verifications update an
 * in-memory map, flushed in one statement every second and on clean shutdown.
 */
import type { Db } from '../db/client';
import type { Logger } from '../runtime/log';

export interface LastUsedRecorder {
  record(keyId: string, at: Date): void;
  flush(): Promise<void>;
  stop(): Promise<void>;
}

export function createLastUsedRecorder(options: { db: Db; log: Logger; intervalMs?: number }): LastUsedRecorder {
  let pending = new Map<string, Date>();
  let flushing: Promise<void> = Promise.resolve();

  const flushOnce = async (): Promise<void> => {
    if (pending.size === 0) return;
    const batch = pending;
    pending = new Map();
    const ids = [...batch.keys()];
    const times = ids.map((id) => (batch.get(id) as Date).toISOString());
    try {
      // GREATEST keeps the newest time when several processes flush out of order. Times are UTC
      // ISO strings; a cast to `timestamp` (what Prisma stores) ignores the Z, keeping them UTC.
      await options.db.$executeRaw`
        UPDATE api_keys AS k SET last_used_at = GREATEST(k.last_used_at, u.at)
        FROM unnest(${ids}::text[], ${times}::timestamp(3)[]) AS u(id, at)
        WHERE k.id = u.id`;
    } catch (error) {
      // Put the batch back (newer times win) so the next flush tries again.
      for (const [id, at] of batch) if (!pending.has(id)) pending.set(id, at);
      options.log.error('could not record last-used times', { keys: ids.length, error });
    }
  };

  const flush = (): Promise<void> => {
    flushing = flushing.then(flushOnce);
    return flushing;
  };

  const timer = setInterval(() => void flush(), options.intervalMs ?? 1000);
  timer.unref();

  return {
    record(keyId, at) {
      const previous = pending.get(keyId);
      if (!previous || previous < at) pending.set(keyId, at);
    },
    flush,
    async stop() {
      clearInterval(timer);
      await flush();
    },
  };
}
