/**
 * Records how keys are used without a database write per request: verifications and the outcomes
 * gateways report (POST /v1/usage) update in-memory maps (the last valid use of each key, and per
 * key and minute: requests, 4xx, 5xx and a latency histogram), flushed every second and on clean
 * shutdown. A flush that fails puts its batch back, so the next one carries it.
 *
 * Each flush adds the same counts to the minute, hour and day tables in one statement: every
 * resolution has its own retention (api/usageRetention.ts) and reads never roll minutes up at
 * query time. Three upserts per batch instead of one is cheap next to a write per request.
 *
 * The first call of a revealed key (for "First call 14 s after reveal" in Slack) rides the same
 * flush: each process keeps, per key it has not yet seen used, the first live answer of the
 * interval, and one conditional UPDATE writes it where the key has no first call and no last use
 * yet. A key once flushed is remembered as used, so a busy key costs nothing more per request.
 *
 * A flush goes out in chunks of `FLUSH_CHUNK` keys, in key order, yielding to waiting requests
 * between them: a process that saw ten thousand keys in a second would otherwise stop answering
 * for tens of milliseconds while it built and sent one statement for all of them. Each chunk is one
 * statement (a chunk's counts land in all three resolutions or in none); a chunk that fails puts
 * itself and the chunks after it back.
 *
 * While the database is down counts wait in memory, bounded: past `maxPendingCells` key-minutes
 * the oldest half are merged into one overflow cell per key (at the newest minute merged), so
 * totals stay exact, their timing gets coarser, and memory never grows past one cell per key
 * beyond the bound.
 */
import type { Db } from '../db/client';
import { retryConflicts } from '../db/conflictRetry';
import { Prisma } from '../generated/prisma/client';
import { isFirstCallOutcome, type FirstCallOutcome, type FirstCallVia } from '../domain/firstCall';
import { LATENCY_BUCKETS, bucketOf } from '../domain/latencyHistogram';
import { addCell, columns, mergeOldest, type Cell } from './usageCells';
import type { Logger } from '../runtime/log';
import { yieldToRequests } from '../runtime/yieldToRequests';

export interface UsageOutcome {
  keyId: string;
  at: Date;
  /** The HTTP status the gateway answered with. */
  status: number;
  latencyMs: number;
}

/** Who asked: the route, and the name the gateway or service gave (X-Keyops-Caller). */
export interface CallSource {
  via: FirstCallVia;
  caller: string | null;
}

export interface UsageRecorder {
  /**
   * One verification that found a key; only valid ones move its last-used time. With its answer
   * `code` and `source`, it may be the key's first call.
   */
  record(use: { keyId: string; at: Date; valid: boolean; code?: string; source?: CallSource | undefined }): void;
  /** One request a gateway served with a key: its status and latency (requests are counted by verify). */
  recordOutcome(outcome: UsageOutcome): void;
  flush(): Promise<void>;
  stop(): Promise<void>;
  /** Key-minutes counted and not written yet: bounded by `maxPendingCells` plus one per key. */
  pendingCells(): number;
}


const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;
const DAY_MS = 24 * HOUR_MS;

/** The roll-up tables, finest first; `column` is each one's time column. Constants, never input. */
const RESOLUTIONS = [
  { table: 'key_usage_minutes', column: 'minute', ms: MINUTE_MS },
  { table: 'key_usage_hours', column: 'hour', ms: HOUR_MS },
  { table: 'key_usage_days', column: 'day', ms: DAY_MS },
] as const;

/**
 * Adds a batch's counts to one roll-up table. A key that no longer exists is skipped rather than
 * failing the whole batch on its foreign key.
 */
function upsertUsage(resolution: (typeof RESOLUTIONS)[number], rows: ReturnType<typeof columns>): Prisma.Sql {
  const table = Prisma.raw(resolution.table);
  const column = Prisma.raw(resolution.column);
  return Prisma.sql`
    INSERT INTO ${table} AS t (key_id, ${column}, requests, errors_4xx, errors_5xx, latency_buckets)
    SELECT u.key_id, u.at, u.requests, u.e4, u.e5, u.buckets::int[]
      FROM unnest(${rows.ids}::text[], ${rows.at}::timestamptz(3)[], ${rows.requests}::int[], ${rows.e4}::int[], ${rows.e5}::int[], ${rows.buckets}::text[])
           AS u(key_id, at, requests, e4, e5, buckets)
     WHERE EXISTS (SELECT 1 FROM api_keys k WHERE k.id = u.key_id)
     ORDER BY u.key_id, u.at
    ON CONFLICT (key_id, ${column}) DO UPDATE SET
      requests = t.requests + excluded.requests, errors_4xx = t.errors_4xx + excluded.errors_4xx, errors_5xx = t.errors_5xx + excluded.errors_5xx,
      latency_buckets = keyops_add_buckets(t.latency_buckets, excluded.latency_buckets)`;
}

export const MAX_PENDING_CELLS = 100_000;
/** Keys (or key-minutes) a flush statement carries; between two, requests waiting are answered. */
export const FLUSH_CHUNK = 500;
/** Keys remembered as used (no first call to look for); past this the memory starts over. */
const MAX_KNOWN_USED = 1_000_000;

/** Runs `send` on each chunk of `items` in order; on a failure returns the items not written (that chunk and the rest). */
async function inChunks<T>(items: readonly T[], send: (chunk: T[]) => Promise<unknown>): Promise<{ unwritten: T[]; error: unknown }> {
  for (let i = 0; i < items.length; i += FLUSH_CHUNK) {
    if (i > 0) await yieldToRequests();
    try {
      await send(items.slice(i, i + FLUSH_CHUNK));
    } catch (error) {
      return { unwritten: items.slice(i), error };
    }
  }
  return { unwritten: [], error: null };
}

interface FirstCallSeen {
  at: Date;
  outcome: FirstCallOutcome;
  source: CallSource;
}

export function createUsageRecorder(options: { db: Db; log: Logger; intervalMs?: number; maxPendingCells?: number }): UsageRecorder {
  const { db, log } = options;
  const maxCells = options.maxPendingCells ?? MAX_PENDING_CELLS;
  let lastUsed = new Map<string, Date>();
  let firstCalls = new Map<string, FirstCallSeen>();
  let knownUsed = new Set<string>();
  /** `${keyId} ${minute start ms}` → counts */
  let cells = new Map<string, Cell>();
  let flushing: Promise<void> = Promise.resolve();

  const cellAt = (keyId: string, at: Date): Cell => {
    const ms = at.getTime();
    const id = `${keyId} ${ms - (ms % MINUTE_MS)}`;
    let cell = cells.get(id);
    if (!cell) {
      if (cells.size >= maxCells) cells = mergeOldest(cells, log);
      cells.set(id, (cell = { requests: 0, errors4xx: 0, errors5xx: 0, buckets: [] }));
    }
    return cell;
  };

  /**
   * Before the last-used times, whose condition it reads: a key with a last use had its first call
   * already. False when it failed: the last-used times then wait too, or this batch's first calls
   * would find them set and be lost.
   */
  const flushFirstCalls = async (): Promise<boolean> => {
    if (firstCalls.size === 0) return true;
    const batch = firstCalls;
    firstCalls = new Map();
    const ids = [...batch.keys()].sort();
    // Locked in id order like the last-used flush, so concurrent flushes wait rather than deadlock.
    const { unwritten, error } = await inChunks(ids, async (chunk) => {
      const seen = chunk.map((id) => batch.get(id) as FirstCallSeen);
      await retryConflicts(
        () => db.$executeRaw`
          WITH locked AS MATERIALIZED (SELECT id FROM api_keys WHERE id = ANY(${chunk}::text[]) AND first_call_at IS NULL AND last_used_at IS NULL ORDER BY id FOR UPDATE)
          UPDATE api_keys AS k SET first_call_at = u.at, first_call_outcome = u.outcome, first_call_via = u.via, first_call_caller = u.caller
          FROM unnest(${chunk}::text[], ${seen.map((f) => f.at.toISOString())}::timestamptz(3)[], ${seen.map((f) => f.outcome)}::text[], ${seen.map((f) => f.source.via)}::text[], ${seen.map((f) => f.source.caller)}::text[])
               AS u(id, at, outcome, via, caller)
          WHERE k.id = u.id AND k.id IN (SELECT id FROM locked) AND k.first_call_at IS NULL AND k.last_used_at IS NULL
            AND k.status = 'ACTIVE' AND k.revealed_at IS NOT NULL`,
        { onRetry: (attempt) => log.warn('first-call flush met a lock conflict; retrying', { keys: chunk.length, attempt }) },
      );
      if (knownUsed.size + chunk.length > MAX_KNOWN_USED) knownUsed = new Set();
      for (const id of chunk) knownUsed.add(id);
    });
    if (unwritten.length === 0) return true;
    for (const id of unwritten) {
      const call = batch.get(id) as FirstCallSeen;
      const newer = firstCalls.get(id);
      if (!newer || newer.at > call.at) firstCalls.set(id, call);
    }
    log.error('could not record first calls', { keys: unwritten.length, error });
    return false;
  };

  const flushLastUsed = async (): Promise<void> => {
    if (lastUsed.size === 0) return;
    const batch = lastUsed;
    lastUsed = new Map();
    // Sorted, and locked in that order: two processes flushing the same keys then wait for each
    // other instead of deadlocking (each had locked in its own map order).
    const ids = [...batch.keys()].sort();
    const { unwritten, error } = await inChunks(ids, (chunk) => {
      const times = chunk.map((id) => (batch.get(id) as Date).toISOString());
      // GREATEST keeps the newest time when several processes flush out of order. Times are UTC
      // ISO strings cast to `timestamptz`: the Z is read, whatever the session time zone.
      return retryConflicts(
        () => db.$executeRaw`
          WITH locked AS MATERIALIZED (SELECT id FROM api_keys WHERE id = ANY(${chunk}::text[]) ORDER BY id FOR UPDATE)
          UPDATE api_keys AS k SET last_used_at = GREATEST(k.last_used_at, u.at)
          FROM unnest(${chunk}::text[], ${times}::timestamptz(3)[]) AS u(id, at)
          WHERE k.id = u.id AND k.id IN (SELECT id FROM locked)`,
        { onRetry: (attempt) => log.warn('last-used flush met a lock conflict; retrying', { keys: chunk.length, attempt }) },
      );
    });
    if (unwritten.length === 0) return;
    for (const id of unwritten) {
      const at = batch.get(id) as Date;
      const newer = lastUsed.get(id);
      if (!newer || newer < at) lastUsed.set(id, at);
    }
    log.error('could not record last-used times', { keys: unwritten.length, error });
  };

  const flushCounts = async (): Promise<void> => {
    if (cells.size === 0) return;
    const batch = cells;
    cells = new Map();
    // In key order, chunk after chunk, so two processes adding to the same rows do not deadlock
    // (each statement also orders its rows by key and time).
    const ids = [...batch.keys()].sort();
    const { unwritten, error } = await inChunks(ids, (chunk) => {
      const part = new Map(chunk.map((id) => [id, batch.get(id) as Cell]));
      // Several API processes add to the same rows: the upserts add, never overwrite. One
      // statement for the three resolutions, so a chunk lands in all of them or in none.
      const [minutes, hours, days] = RESOLUTIONS.map((r) => upsertUsage(r, columns(part, r.ms)));
      return retryConflicts(() => db.$executeRaw`WITH m AS (${minutes} RETURNING 1), h AS (${hours} RETURNING 1) ${days}`);
    });
    if (unwritten.length === 0) return;
    for (const id of unwritten) addCell(cells, id, batch.get(id) as Cell);
    if (cells.size > maxCells) cells = mergeOldest(cells, log);
    log.error('could not record key usage', { rows: unwritten.length, error });
  };

  const flush = (): Promise<void> => {
    flushing = flushing.then(async () => {
      if (await flushFirstCalls()) await flushLastUsed();
      await flushCounts();
    });
    return flushing;
  };

  const timer = setInterval(() => void flush(), options.intervalMs ?? 1000);
  timer.unref();

  return {
    record({ keyId, at, valid, code, source }) {
      cellAt(keyId, at).requests += 1;
      if (source && code && !knownUsed.has(keyId) && !firstCalls.has(keyId) && isFirstCallOutcome(code)) firstCalls.set(keyId, { at, outcome: code, source });
      if (!valid) return;
      const previous = lastUsed.get(keyId);
      if (!previous || previous < at) lastUsed.set(keyId, at);
    },
    recordOutcome({ keyId, at, status, latencyMs }) {
      const cell = cellAt(keyId, at);
      if (status >= 400 && status < 500) cell.errors4xx += 1;
      if (status >= 500) cell.errors5xx += 1;
      if (cell.buckets.length === 0) cell.buckets = new Array<number>(LATENCY_BUCKETS).fill(0);
      const bucket = bucketOf(latencyMs);
      cell.buckets[bucket] = (cell.buckets[bucket] ?? 0) + 1;
    },
    flush,
    pendingCells: () => cells.size,
    async stop() {
      clearInterval(timer);
      await flush();
    },
  };
}
