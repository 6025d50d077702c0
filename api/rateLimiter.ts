/**
 * Enforces per-key limits for verify. Two implementations with one interface: in-process (each
 * API process keeps its own buckets and monthly counts: limits hold per process) and Redis (api/redisRateLimiter.ts: limits hold across every
 * API process, atomically).
 */
import { decide, quotaMonth, takeToken, type Bucket, type RateDecision } from '../domain/rateLimit';
import type { RateLimit } from '../domain/policy';

export interface RateLimiter {
  /** Counts one request for the key when its limits allow it. */
  take(options: { keyId: string; limits: RateLimit; now: Date }): Promise<RateDecision>;
  /** `take` answered at once, where the limits live in this process: verify then awaits nothing. */
  takeNow?(options: { keyId: string; limits: RateLimit; now: Date }): RateDecision;
  close(): Promise<void>;
}

export interface LocalRateLimiter extends RateLimiter {
  takeNow(options: { keyId: string; limits: RateLimit; now: Date }): RateDecision;
}

/**
 * `monthToDate`, when given, reads what the store counted for a key this month, so a restarted
 * process does not hand every key a fresh quota. It is asked once per key and month, off the hot
 * path: requests before its answer count from zero and are added to it. (The store counts every
 * verification, refused ones included, so a seeded quota errs on the strict side.)
 */
export function createLocalRateLimiter(options: { monthToDate?: (keyId: string, monthStart: Date) => Promise<number> } = {}): LocalRateLimiter {
  const buckets = new Map<string, Bucket>();
  let month = '';
  let used = new Map<string, number>();
  const seed = (keyId: string, now: Date): void => {
    const forMonth = month;
    const counts = used;
    options.monthToDate?.(keyId, new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1))).then(
      (stored) => {
        if (month === forMonth) counts.set(keyId, (counts.get(keyId) ?? 0) + stored);
      },
      () => undefined, // Unknown: this process's own count stands.
    );
  };

  const takeNow: LocalRateLimiter['takeNow'] = ({ keyId, limits, now }) => {
    const thisMonth = quotaMonth(now);
    if (thisMonth !== month) {
      month = thisMonth;
      used = new Map();
    }
    if (!used.has(keyId)) seed(keyId, now);
    const count = used.get(keyId) ?? 0;
    if (count >= limits.monthlyQuota) {
      const bucket = buckets.get(keyId);
      return decide({ limits, now, allowed: false, quotaFull: true, tokens: bucket?.tokens ?? limits.burst, resetMs: now.getTime(), used: count });
    }
    const taken = takeToken(buckets.get(keyId), limits, now.getTime());
    buckets.set(keyId, taken.bucket);
    used.set(keyId, taken.allowed ? count + 1 : count);
    return decide({ limits, now, allowed: taken.allowed, quotaFull: false, tokens: taken.bucket.tokens, resetMs: taken.resetMs, used: taken.allowed ? count + 1 : count });
  };

  return {
    takeNow,
    take: (options) => Promise.resolve(takeNow(options)),
    close: () => Promise.resolve(),
  };
}
