/**
 * Per-key limits shared by every API process: one Lua script per verification does the quota
 * check, the token bucket and the monthly count atomically in Redis, in one round trip.
 *
 * When Redis fails (down, slow, unreachable), verification does not: the process falls back to its
 * own in-process limiter for a few seconds and then tries Redis again. Failing open keeps the
 * company's APIs up when a cache is down (a verification that fails takes every caller down with
 * it), while the local fallback still caps a leaked or runaway key at the policy's rate per
 * process rather than not at all. Quotas counted during an outage are not added to Redis.
 *
 * The bucket runs on the caller's clock (passed in), not Redis's TIME: tests control it, and API
 * processes are NTP-synchronised far below a token's refill time; the script never lets a bucket's
 * time run backwards.
 */
import Redis from 'ioredis';
import { decide, quotaMonth, type RateDecision } from '../domain/rateLimit';
import type { Logger } from '../runtime/log';
import { createLocalRateLimiter, type RateLimiter } from './rateLimiter';

// KEYS: bucket hash, month counter. ARGV: now ms, perSecond, burst, quota, counter ttl s.
// Returns {allowed 0/1, quotaFull 0/1, tokens ×1000, reset ms, used}.
const TAKE_SCRIPT = `
local now = tonumber(ARGV[1])
local rate = tonumber(ARGV[2])
local burst = tonumber(ARGV[3])
local quota = tonumber(ARGV[4])
local used = tonumber(redis.call('GET', KEYS[2]) or '0')
local state = redis.call('HMGET', KEYS[1], 't', 'at')
local last = tonumber(state[2]) or now
local at = math.max(now, last)
local tokens = math.min(burst, (tonumber(state[1]) or burst) + (at - last) * rate / 1000)
if used >= quota then
  return {0, 1, math.floor(tokens * 1000), at, used}
end
if tokens < 1 then
  redis.call('HSET', KEYS[1], 't', tostring(tokens), 'at', at)
  redis.call('PEXPIRE', KEYS[1], math.ceil(burst * 1000 / rate) + 1000)
  return {0, 0, math.floor(tokens * 1000), at + math.ceil((1 - tokens) * 1000 / rate), used}
end
tokens = tokens - 1
redis.call('HSET', KEYS[1], 't', tostring(tokens), 'at', at)
redis.call('PEXPIRE', KEYS[1], math.ceil(burst * 1000 / rate) + 1000)
used = redis.call('INCR', KEYS[2])
if used == 1 then redis.call('EXPIRE', KEYS[2], tonumber(ARGV[5])) end
return {1, 0, math.floor(tokens * 1000), at + math.ceil((burst - tokens) * 1000 / rate), used}
`;

/** Skip Redis this long after it failed, so an outage costs one timeout, not one per request. */
const BACKOFF_MS = 2000;
/** Counters outlive their month by a few days, for the usage message near month's end. */
const COUNTER_TTL_S = 35 * 86_400;

type TakeCommand = (bucketKey: string, monthKey: string, now: number, rate: number, burst: number, quota: number, ttl: number) => Promise<[number, number, number, number, number]>;

export async function createRedisRateLimiter(options: { url: string; log: Logger; commandTimeoutMs?: number; connectTimeoutMs?: number }): Promise<RateLimiter> {
  const { log } = options;
  const local = createLocalRateLimiter();
  const redis = new Redis(options.url, {
    lazyConnect: true,
    // Fail fast instead of queueing verifications behind a reconnect.
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    commandTimeout: options.commandTimeoutMs ?? 250,
    // Verifications arriving in the same tick share one write to Redis: fewer syscalls per request.
    enableAutoPipelining: true,
    connectTimeout: options.connectTimeoutMs ?? 2000,
  });
  redis.defineCommand('keyopsTake', { numberOfKeys: 2, lua: TAKE_SCRIPT });
  const take = (redis as unknown as { keyopsTake: TakeCommand }).keyopsTake.bind(redis);
  let skipUntil = 0;
  redis.on('error', (error: Error) => log.warn('redis error', { error: error.message }));
  await redis.connect().catch((error: unknown) => {
    skipUntil = Date.now() + BACKOFF_MS;
    log.warn('redis unavailable at start-up; rate limits hold per process until it answers', { error: (error as Error).message });
  });

  return {
    async take({ keyId, limits, now }) {
      if (Date.now() < skipUntil || redis.status !== 'ready') return local.takeNow({ keyId, limits, now });
      try {
        // The {hash tag} keeps both keys of a key id in one Redis Cluster slot.
        const [allowed, quotaFull, milliTokens, resetMs, used] = await take(`keyops:rl:{${keyId}}`, `keyops:quota:{${keyId}}:${quotaMonth(now)}`, now.getTime(), limits.perSecond, limits.burst, limits.monthlyQuota, COUNTER_TTL_S);
        return decide({ limits, now, allowed: allowed === 1, quotaFull: quotaFull === 1, tokens: milliTokens / 1000, resetMs: quotaFull === 1 ? now.getTime() : resetMs, used });
      } catch (error) {
        skipUntil = Date.now() + BACKOFF_MS;
        log.warn('rate limiting fell back to this process: redis failed', { error: (error as Error).message });
        return local.takeNow({ keyId, limits, now }) satisfies RateDecision;
      }
    },
    async close() {
      redis.disconnect();
      await local.close();
    },
  };
}
