/**
 * Keeps the verify cache honest: a dedicated PostgreSQL connection LISTENs on the channel that the
 * api_keys trigger notifies (see the migration 20261129100000_revocation_and_usage) with the hash
 * of every key whose verification answer may have changed, and drops that hash from the cache.
 *
 * Fails closed. The cache answers only while this connection is subscribed: when the connection
 * ends, errors or stops answering the heartbeat, the cache is suspended (verify reads the
 * database), and it is resumed, empty, only once LISTEN is in place again. A notification sent
 * while nobody listened is lost; emptying the cache on resubscription makes that harmless.
 *
 * The heartbeat is there for the failure the socket does not report (a half-open connection
 * after a network fault): without it, a silent listener would leave revoked keys cached.
 */
import { Client } from 'pg';
import type { Logger } from '../runtime/log';
import type { VerifyCache } from './verifyCache';

export const KEY_CHANGES_CHANNEL = 'keyops_key_changes';
/** How operators (and tests) find the listener's session in pg_stat_activity. */
export const KEY_CHANGES_APPLICATION_NAME = 'keyops-key-changes';

export interface KeyChangeListener {
  /** True while LISTEN is in place and the heartbeat answers. */
  readonly subscribed: boolean;
  /** Settles with true once first subscribed, or false after `startupTimeoutMs` (it keeps trying). */
  readonly ready: Promise<boolean>;
  stop(): Promise<void>;
}

export interface KeyChangeListenerOptions {
  databaseUrl: string;
  cache: Pick<VerifyCache, 'invalidate' | 'suspend' | 'resume'>;
  log: Logger;
  heartbeatMs?: number;
  heartbeatTimeoutMs?: number;
  retryMs?: { first: number; max: number };
  startupTimeoutMs?: number;
}

export function startKeyChangeListener(options: KeyChangeListenerOptions): KeyChangeListener {
  const { cache, log } = options;
  const heartbeatMs = options.heartbeatMs ?? 1000;
  const retry = options.retryMs ?? { first: 100, max: 2000 };
  let subscribed = false;
  let stopped = false;
  let failures = 0;
  let current: Client | null = null;
  let heartbeat: NodeJS.Timeout | null = null;
  let reconnect: NodeJS.Timeout | null = null;
  let settleReady: (value: boolean) => void = () => undefined;
  const ready = new Promise<boolean>((resolve) => (settleReady = resolve));
  const startupTimer = setTimeout(() => settleReady(false), options.startupTimeoutMs ?? 5000);
  startupTimer.unref();

  const connect = async (): Promise<void> => {
    reconnect = null;
    const client = new Client({
      connectionString: options.databaseUrl,
      application_name: KEY_CHANGES_APPLICATION_NAME,
      keepAlive: true,
      connectionTimeoutMillis: 5000,
      query_timeout: options.heartbeatTimeoutMs ?? 2000,
    });
    let gone = false;
    const lose = (error?: unknown): void => {
      if (gone) return;
      gone = true;
      onLost(client, error);
    };
    client.on('notification', (message) => {
      if (message.channel === KEY_CHANGES_CHANNEL && message.payload) cache.invalidate(message.payload);
    });
    client.on('error', lose);
    client.on('end', () => lose());
    try {
      await client.connect();
      await client.query(`LISTEN ${KEY_CHANGES_CHANNEL}`);
    } catch (error) {
      return lose(error);
    }
    if (gone) return;
    if (stopped) return void client.end().catch(() => undefined);
    current = client;
    // Only now: every change committed from here on reaches us, and what was cached before is gone.
    cache.resume();
    subscribed = true;
    if (failures > 0) log.info('key change listener subscribed again; verify cache back on', { afterFailures: failures });
    failures = 0;
    settleReady(true);
    heartbeat = setInterval(() => {
      client.query('SELECT 1').catch(lose);
    }, heartbeatMs);
    heartbeat.unref();
  };

  const onLost = (client: Client, error: unknown): void => {
    client.removeAllListeners('notification');
    // Not awaited: on a half-open connection a graceful end can take as long as TCP keepalive.
    client.end().catch(() => undefined);
    if (heartbeat && current === client) clearInterval(heartbeat);
    if (current === client) current = null;
    const wasSubscribed = subscribed;
    subscribed = false;
    cache.suspend();
    if (stopped) return;
    failures += 1;
    const reason = error instanceof Error ? error.message : 'connection ended';
    if (wasSubscribed) log.warn('key change listener lost its connection; verifying against the database until it is back', { reason });
    else if (failures === 1 || failures % 30 === 0) log.warn('key change listener cannot subscribe; verifying against the database', { failures, reason });
    const delay = Math.min(retry.max, retry.first * 2 ** Math.min(failures - 1, 10));
    reconnect = setTimeout(() => void connect(), delay);
    reconnect.unref();
  };

  void connect();

  return {
    get subscribed() {
      return subscribed;
    },
    ready,
    async stop() {
      stopped = true;
      clearTimeout(startupTimer);
      settleReady(false);
      if (reconnect) clearTimeout(reconnect);
      if (heartbeat) clearInterval(heartbeat);
      subscribed = false;
      cache.suspend();
      const client = current;
      current = null;
      if (client) {
        client.removeAllListeners();
        client.on('error', () => undefined);
        await client.end().catch(() => undefined);
      }
    },
  };
}
