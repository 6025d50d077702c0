/**
 * Starts keyops's roles in this process: the Slack bot, the Temporal worker and the HTTP API.
 * The all-in-one command runs all three; production runs one role per process. Tests start the
 * same function against their own Postgres, Temporal and fake Slack.
 */
import type { WorkerOptions } from '@temporalio/worker';
import { describeTemporalSecurity, type TemporalConnectionSettings } from '../config/temporalConnection';
import type { Tuning } from '../config/tuning';
import { createWorkerActivities } from '../activities';
import { createSlackGateway } from '../activities/slackGateway';
import { createGithubSigningKeys } from '../api/githubSigningKeys';
import { createChartRenderer } from '../api/chartRenderer';
import { createApiRoutes, type ApiDeps, type HealthCheck, type RouteHandler } from '../api/routes';
import type { VerifyDeps } from '../api/verify';
import type { KeyChangeListener } from '../api/keyChanges';
import type { UsageIngestDeps } from '../api/usageIngest';
import { startVerifyService } from '../api/verifyService';
import { createRoleResolver } from '../bot/access/roles';
import { createSlackApp, type SlackConfig } from '../bot/app';
import { createDb } from '../db/client';
import { applyMigrations } from '../db/migrate';
import type { Policy } from '../domain/policy';
import { connectTemporal, pingTemporal } from '../temporal/client';
import { AesGcmPayloadCodec, type CodecKey } from '../temporal/payloadCodec';
import { createKeyLifecycles } from '../temporal/keyLifecycles';
import { startFirstCallSweep } from '../temporal/firstCallSweep';
import { reconcileKeyLifecycles } from '../temporal/reconcileLifecycles';
import { resumeRevocationFollowUps } from '../temporal/resumeRevocationFollowUps';
import { resumeLeaks } from '../leaks/resumeLeaks';
import { connectWorker, createWorker } from '../temporal/worker';
import { readStoreCounts } from '../db/storeCounts';
import { startHttpServer, type RunningHttpServer } from './httpServer';
import { renderMetrics, setKeyChangeListenerProbe, setStoreProbe } from './metrics';
import type { Logger } from './log';
import { runStopSteps, type StopStep } from './shutdown';

export interface KeyopsOptions {
  roles: { bot: boolean; worker: boolean; api: boolean };
  databaseUrl: string;
  /** Address, namespace, TLS and API key (config/temporalConnection.ts). */
  temporal: TemporalConnectionSettings;
  /**
   * Workflow payload encryption (TEMPORAL_CODEC_KEYS; the first key encrypts) for the client and
   * the worker, and the codec endpoint API processes serve when given its token. No keys: plaintext.
   */
  codec?: { keys: readonly CodecKey[]; endpointToken?: string; uiOrigin?: string };
  /** DATABASE_DIRECT_URL, pool sizes and worker concurrency (config/tuning.ts); each has a default. */
  tuning?: Partial<Tuning>;
  policy: Policy;
  /** Null runs everything but Slack (start-up says what to set). */
  slack: SlackConfig | null;
  keyHashSecret: string;
  /** KEY_HASH_SECRET_PREVIOUS: keys hashed under these still verify and are still found by value. */
  previousKeyHashSecrets?: readonly string[];
  verifyApiToken: string | undefined;
  /** Rate limits across API processes (REDIS_URL). */
  redisUrl?: string;
  /** Where GitHub's secret scanning signing keys are served (GITHUB_SECRET_SCANNING_KEYS_URL); GitHub's by default. */
  githubKeysUrl?: string;
  /** The API's public address (PUBLIC_URL): usage messages then carry a chart served by the API. */
  publicUrl?: string;
  displaySeconds: number;
  port: number;
  host?: string;
  /** Pages served on the same port before the API's routes (the playground). */
  pages?: RouteHandler;
  log: Logger;
  clock?: () => Date;
  migrate?: boolean;
  workflowBundle?: WorkerOptions['workflowBundle'];
  /** The Temporal SDK's own metrics (temporal/runtime.ts), appended to /metrics. */
  sdkMetrics?: () => Promise<string>;
  taskQueue?: string;
  /** How long stop() may take before what is left is cut short (default KEYOPS_STOP_DEADLINE_MS). */
  stopDeadlineMs?: number;
}

/** Leaves the rest of SHUTDOWN_DEADLINE_MS to what bin/keyops.ts stops after keyops (Temporal, PostgreSQL). */
export const KEYOPS_STOP_DEADLINE_MS = 6_000;

export interface RunningKeyops {
  url: string | null;
  stop(): Promise<void>;
}

export async function startKeyops(options: KeyopsOptions): Promise<RunningKeyops> {
  const { log } = options;
  const clock = options.clock ?? (() => new Date());
  const stops: StopStep[] = [];
  const named = (name: string, stop: () => Promise<void>): StopStep => ({ name, stop });
  let stopping = false;
  // Within the deadline whatever is unreachable; readiness says 503 from the first moment.
  const stopAll = async (): Promise<void> => {
    stopping = true;
    await runStopSteps([...stops].reverse(), { log, deadlineMs: options.stopDeadlineMs ?? KEYOPS_STOP_DEADLINE_MS, reserveMs: 300 });
  };
  try {
    if (options.migrate !== false) {
      // A session advisory lock guards migrations: straight to PostgreSQL, past any pooler.
      const { applied } = await applyMigrations({ databaseUrl: options.tuning?.directDatabaseUrl ?? options.databaseUrl });
      if (applied.length > 0) log.info('database migrated', { applied });
    }
    const db = createDb({ databaseUrl: options.databaseUrl, maxConnections: options.tuning?.pools?.database });
    stops.push(named('database', () => db.$disconnect()));
    // An API process answers verify without Temporal (only GitHub leak alerts start workflows): it
    // connects lazily, so it starts and serves while Temporal is down, and reconnects by itself.
    const apiOnly = options.roles.api && !options.roles.bot && !options.roles.worker;
    const codec = options.codec?.keys.length ? new AesGcmPayloadCodec(options.codec.keys) : null;
    const dataConverter = codec ? { payloadCodecs: [codec] } : undefined;
    if (options.codec?.keys[0]) log.info('workflow payloads encrypted', { keyId: options.codec.keys[0].id, keysAccepted: options.codec.keys.length, codecEndpoint: Boolean(options.roles.api && options.codec.endpointToken) });
    const temporal = await connectTemporal({ ...options.temporal, lazy: apiOnly, dataConverter });
    stops.push(named('temporal connection', () => temporal.close()));

    const slack = createSlackGateway({ botToken: options.slack?.botToken, apiUrl: options.slack?.apiUrl });
    const lifecycles = createKeyLifecycles({ client: temporal.client, taskQueue: options.taskQueue });
    let workerState: (() => string) | null = null;
    if (options.roles.worker) {
      const connection = await connectWorker(options.temporal);
      const activityLog = log.child({ name: 'activities' });
      const { activities, home } = createWorkerActivities({
        db,
        slack,
        clock,
        policy: options.policy,
        keyHashSecret: options.keyHashSecret,
        displaySeconds: options.displaySeconds,
        log: activityLog,
        lifecycles,
      });
      const worker = await createWorker({ connection, namespace: options.temporal.namespace, activities, workflowBundle: options.workflowBundle, taskQueue: options.taskQueue, concurrency: options.tuning?.workerConcurrency, dataConverter, log });
      const running = worker.run();
      workerState = () => worker.getState();
      running.catch((error: unknown) => log.error('worker stopped with an error', { error }));
      stops.push(named('worker', async () => {
        if (worker.getState() === 'RUNNING') worker.shutdown();
        await running.catch(() => undefined);
        await home.drain();
        await connection.close();
      }));
      log.info('worker running', { namespace: options.temporal.namespace, temporal: describeTemporalSecurity(options.temporal) });
      // In the background: the worker serves the workflows it starts, and start-up is not held up.
      // A shutdown stops it between two starts (the next start-up finishes the job) before the
      // connections it uses close.
      const stopReconciling = new AbortController();
      const reconciling = reconcileKeyLifecycles({ db, client: temporal.client, policy: options.policy, log, taskQueue: options.taskQueue, signal: stopReconciling.signal }).then(
        (result) => log.info('key lifecycles reconciled', { ...result }),
        (error: unknown) => log.error('key lifecycle reconciliation failed', { error }),
      );
      stops.push(named('lifecycle reconciliation', async () => {
        stopReconciling.abort();
        await reconciling;
      }));
      const firstCalls = startFirstCallSweep({ db, lifecycles, log: log.child({ name: 'first-calls' }), clock });
      stops.push(named('first-call sweep', () => firstCalls.stop()));
    }

    if (options.roles.bot || options.roles.worker) {
      // In the background, like the lifecycles: start-up is not held up by it.
      const stopResuming = new AbortController();
      const resuming = resumeRevocationFollowUps({ db, client: temporal.client, log, now: clock(), taskQueue: options.taskQueue, signal: stopResuming.signal }).then(
        (result) => log.info('revocation follow-ups checked', { ...result }),
        (error: unknown) => log.error('revocation follow-ups check failed', { error }),
      );
      const leaks = resumeLeaks({ db, temporal: temporal.client, keyHashSecret: options.keyHashSecret, previousKeyHashSecrets: options.previousKeyHashSecrets ?? [], clock, log, taskQueue: options.taskQueue, signal: stopResuming.signal }).then(
        (result) => log.info('leaks checked', { ...result }),
        (error: unknown) => log.error('leaks check failed', { error }),
      );
      stops.push(named('revocation follow-ups', async () => {
        stopResuming.abort();
        await Promise.all([resuming, leaks]);
      }));
    }

    const slackApp = options.roles.bot && options.slack
      ? createSlackApp({
          slack: options.slack,
          deps: {
            db,
            temporal: temporal.client,
            policy: options.policy,
            displaySeconds: options.displaySeconds,
            clock,
            log: log.child({ name: 'bot' }),
            roles: createRoleResolver({ policy: options.policy, directory: slack, log }),
            keyHashSecret: options.keyHashSecret,
            previousKeyHashSecrets: options.previousKeyHashSecrets ?? [],
            lifecycles,
            ...(options.publicUrl ? { publicUrl: options.publicUrl } : {}),
          },
        })
      : null;

    let server: RunningHttpServer | null = null;
    // Every role serves HTTP: a worker answers /healthz and /metrics too.
    {
      // Pushed before the server, so it stops after it: usage counted by the last requests is flushed.
      let verify: VerifyDeps | undefined;
      let ingest: UsageIngestDeps | undefined;
      let listener: KeyChangeListener | undefined;
      if (options.roles.api) {
        const service = await startVerifyService({
          db,
          databaseUrl: options.databaseUrl,
          listenUrl: options.tuning?.directDatabaseUrl ?? options.databaseUrl,
          lookupPoolSize: options.tuning?.pools?.verify,
          policy: options.policy,
          keyHashSecret: options.keyHashSecret,
          previousKeyHashSecrets: options.previousKeyHashSecrets ?? [],
          clock,
          log: log.child({ name: 'api' }),
          redisUrl: options.redisUrl,
          // Quota notices are direct messages: without a bot token there is nobody to send them.
          ...(options.slack?.botToken ? { slack } : {}),
        });
        stops.push(named('verify service', () => service.stop()));
        verify = service.deps;
        listener = service.listener;
        ingest = { db, verify, usage: service.usage, maxAgeSeconds: options.policy.usage.retention.minutes };
        log.info('rate limits', { shared: options.redisUrl ? 'redis' : 'per process', quotaNotices: options.slack?.botToken ? 'on' : 'off (no SLACK_BOT_TOKEN)' });
      }
      const healthChecks: HealthCheck[] = [
        {
          name: 'shutdown',
          check: async () => {
            if (stopping) throw new Error('stopping');
          },
        },
        { name: 'database', check: async () => void (await db.$queryRaw`SELECT 1`) },
        // Not critical where only verify runs: it needs none, so the process stays ready and says so.
        { name: 'temporal', check: () => pingTemporal({ handle: temporal, namespace: options.temporal.namespace }), ...(apiOnly ? { critical: false, failedAs: 'unavailable' as const } : {}) },
      ];
      if (workerState) {
        const state = workerState;
        healthChecks.push({
          name: 'worker',
          check: async () => {
            if (state() !== 'RUNNING') throw new Error(`worker is ${state().toLowerCase()}`);
          },
        });
      }
      if (listener) {
        const changes = listener;
        setKeyChangeListenerProbe(() => changes.subscribed);
        // Without its change listener the verify cache is off (fail closed): every verification
        // reads the database. Slower, still correct, so reported but not unhealthy.
        healthChecks.push({
          name: 'verifyCache',
          critical: false,
          check: async () => {
            if (!changes.subscribed) throw new Error('key change listener not subscribed');
          },
        });
      }
      let chart: ApiDeps['chart'];
      if (options.roles.api) {
        const renderer = createChartRenderer({ log: log.child({ name: 'charts' }) });
        // Pushed before the server, so it stops after it: a chart being drawn is answered first.
        stops.push(named('chart renderer', () => renderer.close()));
        chart = { db, secret: options.keyHashSecret, clock, renderer, policy: options.policy };
      }
      const apiRoutes = createApiRoutes({
        verify,
        ingest,
        ...(chart ? { chart } : {}),
        ...(options.roles.api
          ? {
              githubLeaks: {
                db, temporal: temporal.client, keyHashSecret: options.keyHashSecret, previousKeyHashSecrets: options.previousKeyHashSecrets ?? [], clock, log: log.child({ name: 'leaks' }), taskQueue: options.taskQueue,
                signingKeys: createGithubSigningKeys({ url: options.githubKeysUrl, log }), keyPrefix: options.policy.keyPrefix, onPublicLeak: options.policy.leaks.onPublicLeak,
              },
            }
          : {}),
        verifyApiToken: options.roles.api ? options.verifyApiToken : undefined,
        ...(options.roles.api && codec && options.codec?.endpointToken
          ? { codecEndpoint: { codec, token: options.codec.endpointToken, uiOrigin: options.codec.uiOrigin, log: log.child({ name: 'codec' }) } }
          : {}),
        healthChecks,
        log: log.child({ name: 'api' }),
      });
      const pages = options.pages;
      const routes: RouteHandler = pages ? async (req, res) => (await pages(req, res)) || apiRoutes(req, res) : apiRoutes;
      setStoreProbe(() => readStoreCounts(db));
      const metrics = (): ReturnType<typeof renderMetrics> => renderMetrics(options.sdkMetrics);
      server = await startHttpServer({ port: options.port, host: options.host, routes, slack: slackApp?.requestListener ?? null, log, metrics });
      const running = server;
      stops.push(named('http server', () => running.close()));
      log.info('http listening', { url: server.url, slack: slackApp ? (slackApp.requestListener ? 'http' : 'socket-mode') : 'not configured' });
    }
    if (slackApp) {
      await slackApp.start();
      stops.push(named('slack', () => slackApp.stop()));
    }
    return { url: server?.url ?? null, stop: stopAll };
  } catch (error) {
    await stopAll();
    throw error;
  }
}
