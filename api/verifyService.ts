/**
 * What an API process needs around verifyKey: the database lookup, the lookup cache, the listener
 * that keeps it honest across processes, and the batched usage recorder. One per API process.
 */
import type { Db } from '../db/client';
import type { Policy } from '../domain/policy';
import type { Logger } from '../runtime/log';
import { startKeyChangeListener, type KeyChangeListener } from './keyChanges';
import { createKeyLookup } from './keyLookup';
import { createUsageRecorder } from './usage';
import type { VerifyDeps } from './verify';
import { createVerifyCache, type VerifyCacheOptions } from './verifyCache';

export interface VerifyService {
  deps: VerifyDeps;
  listener: KeyChangeListener;
  /** Flushes usage and closes the listener; call after the HTTP server stopped taking requests. */
  stop(): Promise<void>;
}

export async function startVerifyService(options: {
  db: Db;
  databaseUrl: string;
  policy: Policy;
  keyHashSecret: string;
  clock: () => Date;
  log: Logger;
  cache?: VerifyCacheOptions;
}): Promise<VerifyService> {
  const cache = createVerifyCache(options.cache);
  const lookup = createKeyLookup({ databaseUrl: options.databaseUrl, log: options.log });
  const usage = createUsageRecorder({ db: options.db, log: options.log });
  const listener = startKeyChangeListener({ databaseUrl: options.databaseUrl, cache, log: options.log.child({ name: 'key-changes' }) });
  // Serving before the first subscription is safe (the cache stays off), but a process that says
  // it is ready should normally be caching.
  if (!(await listener.ready)) options.log.warn('key change listener not subscribed yet; verify reads the database until it is');
  return {
    deps: { findKey: lookup.find, policy: options.policy, keyHashSecret: options.keyHashSecret, clock: options.clock, cache, usage },
    listener,
    async stop() {
      await usage.stop();
      await listener.stop();
      await lookup.close();
    },
  };
}
