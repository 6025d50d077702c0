/**
 * Per-key rate limits and monthly quotas (policy `rateLimits`, per environment): a token bucket
 * that holds `burst` tokens and refills `perSecond` a second, and a count of the requests allowed
 * this calendar month (UTC). This module is the arithmetic, shared by the in-process limiter and
 * mirrored line for line by the Redis script (api/redisRateLimiter.ts).
 */
import type { RateLimit } from './policy';

export interface Bucket {
  tokens: number;
  /** When `tokens` was last computed (ms). */
  at: number;
}

export interface RateDecision {
  allowed: boolean;
  /** The limit that refused, or null. */
  refusedBy: 'rate' | 'quota' | null;
  /** Burst capacity, the tokens left after this request, and when one more request is allowed (allowed: when the bucket is full again). */
  rate: { limit: number; remaining: number; reset: Date };
  /** Requests allowed this month including this one, the quota, and the start of next month. */
  quota: { limit: number; used: number; remaining: number; reset: Date };
}

/** `2026-11`: the calendar month (UTC) a quota counts in. */
export function quotaMonth(now: Date): string {
  return now.toISOString().slice(0, 7);
}

export function nextMonthStart(now: Date): Date {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1));
}

/** Refills the bucket to `now` and takes one token when it can. Never moves time backwards. */
export function takeToken(bucket: Bucket | undefined, limits: RateLimit, now: number): { bucket: Bucket; allowed: boolean; resetMs: number } {
  const from = bucket ?? { tokens: limits.burst, at: now };
  const at = Math.max(from.at, now);
  const tokens = Math.min(limits.burst, from.tokens + ((at - from.at) * limits.perSecond) / 1000);
  if (tokens < 1) return { bucket: { tokens, at }, allowed: false, resetMs: at + Math.ceil(((1 - tokens) * 1000) / limits.perSecond) };
  const left = tokens - 1;
  return { bucket: { tokens: left, at }, allowed: true, resetMs: at + Math.ceil(((limits.burst - left) * 1000) / limits.perSecond) };
}

export function decide(options: { limits: RateLimit; now: Date; allowed: boolean; quotaFull: boolean; tokens: number; resetMs: number; used: number }): RateDecision {
  const { limits, now } = options;
  return {
    allowed: options.allowed,
    refusedBy: options.quotaFull ? 'quota' : options.allowed ? null : 'rate',
    rate: { limit: limits.burst, remaining: Math.max(0, Math.floor(options.tokens)), reset: new Date(options.resetMs) },
    quota: { limit: limits.monthlyQuota, used: options.used, remaining: Math.max(0, limits.monthlyQuota - options.used), reset: nextMonthStart(now) },
  };
}
