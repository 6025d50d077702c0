/**
 * Makes floods of failed verifications cost the flooder (issue 11, item 5). Each source address
 * has a token bucket of failures: every failed answer (a bad gateway or bearer token, a key that
 * is malformed or unknown) takes a token, and once the bucket is empty a failure is answered 429
 * with Retry-After instead. Only failures are charged and only failures are refused: valid keys
 * from the same address are answered as always, so a noisy neighbour behind one gateway cannot
 * lock its users out.
 *
 * Bounded memory: a bucket that would be full again is worth nothing and is dropped; beyond
 * `maxSources` addresses the oldest are forgotten (they start over with a full bucket).
 */
import type { ServerResponse } from 'node:http';
import { takeToken, type Bucket } from '../domain/rateLimit';
import { sendJson } from './http';

export interface FailureThrottleOptions {
  /** Failures a source may have in a row before it is throttled. */
  burst?: number;
  /** Failures a source earns back per second. */
  perSecond?: number;
  maxSources?: number;
}

export const FAILURE_THROTTLE_DEFAULTS = { burst: 100, perSecond: 10, maxSources: 50_000 } as const;

export type FailureCharge = { allowed: true } | { allowed: false; retryAfterSeconds: number };

export interface FailureThrottle {
  /** Charges one failure to `source`: allowed while its bucket holds a token. */
  charge(source: string, nowMs: number): FailureCharge;
  /** Whether `source` has no failure left right now (no token is taken). */
  exhausted(source: string, nowMs: number): boolean;
  readonly sources: number;
}

export function createFailureThrottle(options: FailureThrottleOptions = {}): FailureThrottle {
  const limits = { burst: options.burst ?? FAILURE_THROTTLE_DEFAULTS.burst, perSecond: options.perSecond ?? FAILURE_THROTTLE_DEFAULTS.perSecond, monthlyQuota: Number.MAX_SAFE_INTEGER };
  const maxSources = options.maxSources ?? FAILURE_THROTTLE_DEFAULTS.maxSources;
  const fullAfterMs = (limits.burst * 1000) / limits.perSecond;
  const buckets = new Map<string, Bucket>();

  const forget = (nowMs: number): void => {
    for (const [source, bucket] of buckets) if (nowMs - bucket.at >= fullAfterMs) buckets.delete(source);
    // Still too many: the least recently charged go first (a Map iterates in insertion order),
    // a tenth at a time so that a stream of new addresses does not sweep the map on every one.
    for (const source of buckets.keys()) {
      if (buckets.size < maxSources * 0.9) break;
      buckets.delete(source);
    }
  };

  return {
    charge(source, nowMs) {
      if (buckets.size >= maxSources && !buckets.has(source)) forget(nowMs);
      const taken = takeToken(buckets.get(source), limits, nowMs);
      // Re-inserted, so the map's order stays "least recently charged first".
      buckets.delete(source);
      buckets.set(source, taken.bucket);
      if (taken.allowed) return { allowed: true };
      return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((taken.resetMs - nowMs) / 1000)) };
    },
    exhausted(source, nowMs) {
      const bucket = buckets.get(source);
      if (!bucket) return false;
      return bucket.tokens + ((nowMs - bucket.at) * limits.perSecond) / 1000 < 1;
    },
    get sources() {
      return buckets.size;
    },
  };
}

/**
 * Charges a failed request to its source; true when the source is over its budget and was
 * answered 429 instead (api/failureThrottle.ts).
 */
export function refuseFlood(options: { deps: { throttle: FailureThrottle; verify?: { clock: () => Date } }; source: string; res: ServerResponse }): boolean {
  const now = options.deps.verify?.clock().getTime() ?? Date.now();
  const charge = options.deps.throttle.charge(options.source, now);
  if (charge.allowed) return false;
  sendJson(
    options.res,
    429,
    { error: 'too_many_failures', message: `too many failed verifications from this address; retry in ${charge.retryAfterSeconds} s (valid keys are still answered)` },
    { 'retry-after': charge.retryAfterSeconds },
  );
  return true;
}
