/**
 * What an API process needs around verifyKey: the database lookup, the lookup cache, the listener
 * that keeps it honest across processes, and the batched usage recorder. One per API process.
 */
import type { SlackGateway } from '../activities/slackGateway';
import type { Db } from '../db/client';
import type { Policy } from '../domain/policy';
import type { Logger } from '../runtime/log';
import { startKeyChangeListener, type KeyChangeListener } from './keyChanges';
import { createKeyLookup } from './keyLookup';
import { createQuotaNotices, type QuotaNotices } from './quotaNotices';
import { createLocalRateLimiter, type RateLimiter } from './rateLimiter';
import { createRedisRateLimiter } from './redisRateLimiter';
import { createUsageRecorder, type UsageRecorder } from './usage';
import { pruneUsage } from './usageRetention';
import { monthToDate } from '../db/keyUsage';
import type { VerifyDeps } from './verify';
import { createVerifyCache, type VerifyCacheOptions } from './verifyCache';

export interface VerifyService {
  deps: VerifyDeps;
  listener: KeyChangeListener;
  usage: UsageRecorder;
  quotaNotices: QuotaNotices | null;
  /** Flushes usage and closes the listener; call after the HTTP server stopped taking requests. */
  stop(): Promise<void>;
}

export async function startVerifyService(options: {
  db: Db;
  databaseUrl: string;
  /** The key change listener's session (DATABASE_DIRECT_URL): LISTEN needs one a pooler does not share. */
  listenUrl?: string;
  lookupPoolSize?: number;
  policy: Policy;
  keyHashSecret: string;
  previousKeyHashSecrets?: readonly string[];
  clock: () => Date;
  log: Logger;
  cache?: VerifyCacheOptions;
  /** Limits shared by every API process; without it each process enforces them alone. */
  redisUrl?: string;
  /** To tell owners about their quotas; without it no notices are sent. */
  slack?: Pick<SlackGateway, 'openDm' | 'postMessage'>;
  usageFlushMs?: number;
}): Promise<VerifyService> {
  const { log } = options;
  const cache = createVerifyCache(options.cache);
  const lookup = createKeyLookup({ databaseUrl: options.databaseUrl, maxConnections: options.lookupPoolSize, log });
  const usage = createUsageRecorder({ db: options.db, log, intervalMs: options.usageFlushMs });
  const limiter: RateLimiter = options.redisUrl
    ? await createRedisRateLimiter({ url: options.redisUrl, log: log.child({ name: 'rate-limits' }) })
    : createLocalRateLimiter({ monthToDate: (keyId, monthStart) => monthToDate({ db: options.db, keyId, monthStart }) });
  const quotaNotices = options.slack ? createQuotaNotices({ db: options.db, slack: options.slack, log: log.child({ name: 'quota-notices' }) }) : null;
  const prune = (): void =>
    void pruneUsage({ db: options.db, retention: options.policy.usage.retention, now: options.clock() }).then(
      (dropped) => log.info('old usage dropped', dropped),
      (error: unknown) => log.error('could not drop old usage', { error }),
    );
  // Once soon after start (a fleet restarted hourly would otherwise never prune), then hourly.
  const firstPrune = setTimeout(prune, 60_000);
  firstPrune.unref();
  const pruning = setInterval(prune, 3_600_000);
  pruning.unref();
  const listener = startKeyChangeListener({ databaseUrl: options.listenUrl ?? options.databaseUrl, cache, log: options.log.child({ name: 'key-changes' }) });
  // Serving before the first subscription is safe (the cache stays off), but a process that says
  // it is ready should normally be caching.
  if (!(await listener.ready)) log.warn('key change listener not subscribed yet; verify reads the database until it is');
  return {
    deps: { findKey: lookup.find, findKeys: lookup.findMany, policy: options.policy, keyHashSecret: options.keyHashSecret, previousKeyHashSecrets: options.previousKeyHashSecrets ?? [], clock: options.clock, cache, usage, limiter, ...(quotaNotices ? { quotaNotices } : {}) },
    listener,
    usage,
    quotaNotices,
    async stop() {
      clearTimeout(firstPrune);
      clearInterval(pruning);
      await usage.stop();
      await quotaNotices?.settled();
      await limiter.close();
      await listener.stop();
      await lookup.close();
    },
  };
}
