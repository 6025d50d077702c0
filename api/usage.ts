/**
 * Records how keys are used without a database write per request: verifications update in-memory
 * maps (the last valid use of each key, and requests per key and minute), flushed every second
 * and on clean shutdown. A flush that fails puts its batch back, so the next one carries it.
 */
import type { Db } from '../db/client';
import type { Logger } from '../runtime/log';

export interface UsageRecorder {
  /** One verification that found a key; only valid ones move its last-used time. */
  record(use: { keyId: string; at: Date; valid: boolean }): void;
  flush(): Promise<void>;
  stop(): Promise<void>;
}

const MINUTE_MS = 60_000;

export function createUsageRecorder(options: { db: Db; log: Logger; intervalMs?: number }): UsageRecorder {
  const { db, log } = options;
  let lastUsed = new Map<string, Date>();
  /** keyId → minute start (ms) → requests */
  let counts = new Map<string, Map<number, number>>();
  let flushing: Promise<void> = Promise.resolve();

  const addCount = (keyId: string, minute: number, requests: number): void => {
    let perMinute = counts.get(keyId);
    if (!perMinute) counts.set(keyId, (perMinute = new Map()));
    perMinute.set(minute, (perMinute.get(minute) ?? 0) + requests);
  };

  const flushLastUsed = async (): Promise<void> => {
    if (lastUsed.size === 0) return;
    const batch = lastUsed;
    lastUsed = new Map();
    const ids = [...batch.keys()];
    const times = ids.map((id) => (batch.get(id) as Date).toISOString());
    try {
      // GREATEST keeps the newest time when several processes flush out of order. Times are UTC
      // ISO strings; a cast to `timestamp` (what Prisma stores) ignores the Z, keeping them UTC.
      await db.$executeRaw`
        UPDATE api_keys AS k SET last_used_at = GREATEST(k.last_used_at, u.at)
        FROM unnest(${ids}::text[], ${times}::timestamp(3)[]) AS u(id, at)
        WHERE k.id = u.id`;
    } catch (error) {
      for (const [id, at] of batch) {
        const newer = lastUsed.get(id);
        if (!newer || newer < at) lastUsed.set(id, at);
      }
      log.error('could not record last-used times', { keys: ids.length, error });
    }
  };

  const flushCounts = async (): Promise<void> => {
    if (counts.size === 0) return;
    const batch = counts;
    counts = new Map();
    const ids: string[] = [];
    const minutes: string[] = [];
    const requests: number[] = [];
    for (const [keyId, perMinute] of batch) {
      for (const [minute, n] of perMinute) {
        ids.push(keyId);
        minutes.push(new Date(minute).toISOString());
        requests.push(n);
      }
    }
    try {
      // Several API processes add to the same rows: the upsert adds, never overwrites. A key that
      // no longer exists is skipped rather than failing the whole batch on its foreign key.
      await db.$executeRaw`
        INSERT INTO key_usage_minutes (key_id, minute, requests)
        SELECT u.key_id, u.minute, u.requests
          FROM unnest(${ids}::text[], ${minutes}::timestamp(3)[], ${requests}::int[]) AS u(key_id, minute, requests)
         WHERE EXISTS (SELECT 1 FROM api_keys k WHERE k.id = u.key_id)
        ON CONFLICT (key_id, minute) DO UPDATE SET requests = key_usage_minutes.requests + excluded.requests`;
    } catch (error) {
      for (const [keyId, perMinute] of batch) for (const [minute, n] of perMinute) addCount(keyId, minute, n);
      log.error('could not record key usage', { rows: ids.length, error });
    }
  };

  const flush = (): Promise<void> => {
    flushing = flushing.then(async () => {
      await flushLastUsed();
      await flushCounts();
    });
    return flushing;
  };

  const timer = setInterval(() => void flush(), options.intervalMs ?? 1000);
  timer.unref();

  return {
    record({ keyId, at, valid }) {
      const ms = at.getTime();
      addCount(keyId, ms - (ms % MINUTE_MS), 1);
      if (!valid) return;
      const previous = lastUsed.get(keyId);
      if (!previous || previous < at) lastUsed.set(keyId, at);
    },
    flush,
    async stop() {
      clearInterval(timer);
      await flush();
    },
  };
}
