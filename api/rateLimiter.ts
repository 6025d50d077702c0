/**
 * Enforces per-key limits for verify. Two implementations with one interface: in-process (each
 * API process keeps its own buckets and monthly counts: limits hold per process, and quotas start
 * from zero when a process starts) and Redis (api/redisRateLimiter.ts: limits hold across every
 * API process, atomically).
 */
import { decide, quotaMonth, takeToken, type Bucket, type RateDecision } from '../domain/rateLimit';
import type { RateLimit } from '../domain/policy';

export interface RateLimiter {
  /** Counts one request for the key when its limits allow it. */
  take(options: { keyId: string; limits: RateLimit; now: Date }): Promise<RateDecision>;
  close(): Promise<void>;
}

export interface LocalRateLimiter extends RateLimiter {
  takeNow(options: { keyId: string; limits: RateLimit; now: Date }): RateDecision;
}

export function createLocalRateLimiter(): LocalRateLimiter {
  const buckets = new Map<string, Bucket>();
  let month = '';
  let used = new Map<string, number>();

  const takeNow: LocalRateLimiter['takeNow'] = ({ keyId, limits, now }) => {
    const thisMonth = quotaMonth(now);
    if (thisMonth !== month) {
      month = thisMonth;
      used = new Map();
    }
    const count = used.get(keyId) ?? 0;
    if (count >= limits.monthlyQuota) {
      const bucket = buckets.get(keyId);
      return decide({ limits, now, allowed: false, quotaFull: true, tokens: bucket?.tokens ?? limits.burst, resetMs: now.getTime(), used: count });
    }
    const taken = takeToken(buckets.get(keyId), limits, now.getTime());
    buckets.set(keyId, taken.bucket);
    if (taken.allowed) used.set(keyId, count + 1);
    return decide({ limits, now, allowed: taken.allowed, quotaFull: false, tokens: taken.bucket.tokens, resetMs: taken.resetMs, used: taken.allowed ? count + 1 : count });
  };

  return {
    takeNow,
    take: (options) => Promise.resolve(takeNow(options)),
    close: () => Promise.resolve(),
  };
}
