/**
 * Throughput and latency of the verification API on the production server stack (runtime's HTTP
 * server, api/routes, the verify service with its cache, change listener and usage recorder,
 * PostgreSQL), next to a no-op JSON endpoint mounted on the same server as the baseline. The load
 * comes from a second process (bench/loadgen.ts).
 *
 * The plain verify scenarios run with no rate limits in the policy; "limited" runs the same cache
 * hits against a second server whose verify service enforces limits in Redis (REDIS_URL, default
 * redis://127.0.0.1:6379) with limits no key reaches, so every request pays the Lua round trip.
 * "usage" posts full batches of 1,000 entries to POST /v1/usage.
 */
import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { sendJson } from '../api/http';
import { createApiRoutes } from '../api/routes';
import { startVerifyService } from '../api/verifyService';
import { createDb } from '../db/client';
import type { Policy } from '../domain/policy';
import { startHttpServer } from '../runtime/httpServer';
import type { Logger } from '../runtime/log';
import { createBenchDatabase, seedKeys } from './benchDatabase';
import type { LoadMessage, Scenario, ScenarioResult } from './loadgen';
import { summarize, type LatencySummary } from './stats';

const TOKEN = 'bench-verify-token-0123456789';
const SECRET = 'bench-key-hash-secret-0123456789abcdef';
export const NOOP_PATH = '/bench/noop';

export interface ScenarioTotals {
  requests: number;
  errors: number;
  perSecond: number;
  latencyMs: LatencySummary;
  ranOut: boolean;
}

export interface ThroughputResults {
  noop: ScenarioTotals;
  hit: ScenarioTotals;
  miss: ScenarioTotals;
  limited: ScenarioTotals;
  usage: ScenarioTotals;
}

export const USAGE_BATCH = 1000;
export const USAGE_CONCURRENCY = 4;

/** The baseline: same server, same body, no work. */
async function noopRoute(req: IncomingMessage, res: ServerResponse): Promise<boolean> {
  if (req.url !== NOOP_PATH) return false;
  for await (const chunk of req) void chunk;
  sendJson(res, 200, { ok: true });
  return true;
}

function startLoadGenerator(): { send(message: LoadMessage): Promise<unknown>; stop(): void } {
  const child: ChildProcess = fork(path.join(__dirname, 'loadgen.ts'), [], { execArgv: ['--import', 'tsx'], stdio: 'inherit' });
  return {
    send: (message) =>
      new Promise((resolve, reject) => {
        const onExit = (code: number | null) => reject(new Error(`load generator exited with ${code}`));
        child.once('exit', onExit);
        child.once('message', (reply) => {
          child.off('exit', onExit);
          resolve(reply);
        });
        child.send(message);
      }),
    stop: () => void child.send({ type: 'exit' } satisfies LoadMessage),
  };
}

/** Twenty different full batches, by key id as gateways send them after a verify, 10% 4xx and 1% 5xx. */
function usageBatches(keys: ReadonlyArray<{ id: string }>): string[] {
  const at = new Date().toISOString();
  return Array.from({ length: 20 }, (_, b) =>
    JSON.stringify({
      entries: Array.from({ length: USAGE_BATCH }, (_, i) => {
        const n = b * USAGE_BATCH + i;
        return { keyId: (keys[n % keys.length] as { id: string }).id, status: n % 100 === 0 ? 503 : n % 10 === 0 ? 404 : 200, latencyMs: (n * 7) % 900, at };
      }),
    }),
  );
}

function total(runs: ScenarioResult[]): ScenarioTotals {
  const latencies = runs.flatMap((r) => r.latencies);
  const elapsedMs = runs.reduce((sum, r) => sum + r.elapsedMs, 0);
  return { requests: latencies.length, errors: runs.reduce((sum, r) => sum + r.errors, 0), perSecond: (latencies.length / elapsedMs) * 1000, latencyMs: summarize(latencies), ranOut: runs.some((r) => r.ranOut) };
}

/**
 * The scenarios take turns in `rounds` short runs rather than one long run each: on a shared
 * machine the background load drifts, and interleaving spreads that drift over all three.
 */
export async function measureThroughput(options: { policy: Policy; concurrency: number; seconds: number; rounds: number; missKeys: number; redisUrl: string; log: Logger; say: (line: string) => void }): Promise<ThroughputResults> {
  const { say } = options;
  const policy: Policy = { ...options.policy, rateLimits: {} };
  const unreachable = { perSecond: 1_000_000, burst: 1_000_000, monthlyQuota: 2_000_000_000 };
  const limitedPolicy: Policy = { ...options.policy, rateLimits: Object.fromEntries(options.policy.environments.map((e) => [e.name, unreachable])) };
  const database = await createBenchDatabase();
  const env = policy.environments[0] as Policy['environments'][number];
  const seed = (count: number) => seedKeys({ databaseUrl: database.url, count, ownerId: 'U0BENCH', prefix: policy.keyPrefix, envTag: env.tag, environment: env.name, secret: SECRET });
  say(`seeding ${1000 + options.missKeys} keys…`);
  const hitKeys = await seed(1000);
  const missKeys = await seed(options.missKeys);
  const db = createDb({ databaseUrl: database.url });
  const service = await startVerifyService({ db, databaseUrl: database.url, policy, keyHashSecret: SECRET, clock: () => new Date(), log: options.log });
  const ingest = { db, verify: service.deps, usage: service.usage, maxAgeSeconds: policy.usage.retention.minutes };
  const api = createApiRoutes({ verify: service.deps, ingest, verifyApiToken: TOKEN, healthChecks: [], log: options.log });
  const server = await startHttpServer({ port: 0, host: '127.0.0.1', routes: async (req, res) => (await noopRoute(req, res)) || api(req, res), slack: null, log: options.log });
  const limitedService = await startVerifyService({ db, databaseUrl: database.url, policy: limitedPolicy, keyHashSecret: SECRET, clock: () => new Date(), log: options.log, redisUrl: options.redisUrl });
  const limitedServer = await startHttpServer({ port: 0, host: '127.0.0.1', routes: createApiRoutes({ verify: limitedService.deps, verifyApiToken: TOKEN, healthChecks: [], log: options.log }), slack: null, log: options.log });
  const loadgen = startLoadGenerator();
  try {
    const bodies = (keys: typeof hitKeys) => keys.map((k) => JSON.stringify({ key: k.key }));
    await loadgen.send({ type: 'bodies', set: 'hit', bodies: bodies(hitKeys) });
    await loadgen.send({ type: 'bodies', set: 'warm', bodies: bodies(hitKeys) });
    await loadgen.send({ type: 'bodies', set: 'miss', bodies: bodies(missKeys) });
    await loadgen.send({ type: 'bodies', set: 'usage', bodies: usageBatches(hitKeys) });
    const roundMs = (options.seconds * 1000) / options.rounds;
    const base = { token: TOKEN, concurrency: options.concurrency, durationMs: roundMs };
    const scenarios: Record<keyof ThroughputResults, Scenario> = {
      noop: { ...base, url: `${server.url}${NOOP_PATH}`, set: 'hit', cycle: true, expect: '"ok":true' },
      hit: { ...base, url: `${server.url}/v1/keys/verify`, set: 'hit', cycle: true, expect: '"code":"VALID"' },
      // Every key verified once: each request is a database lookup.
      miss: { ...base, url: `${server.url}/v1/keys/verify`, set: 'miss', cycle: false, expect: '"code":"VALID"' },
      limited: { ...base, url: `${limitedServer.url}/v1/keys/verify`, set: 'hit', cycle: true, expect: '"code":"VALID"' },
      usage: { ...base, concurrency: USAGE_CONCURRENCY, url: `${server.url}/v1/usage`, set: 'usage', cycle: true, expect: `"accepted":${USAGE_BATCH}` },
    };
    const run = (scenario: Scenario) => loadgen.send({ type: 'run', scenario }) as Promise<ScenarioResult>;

    say('warming up (JIT, connections, the cache for the hit keys)…');
    await run({ ...scenarios.noop, durationMs: 1000 });
    await run({ ...scenarios.hit, set: 'warm', cycle: false, durationMs: 30_000 });
    await run({ ...scenarios.hit, durationMs: 1000 });
    await run({ ...scenarios.limited, durationMs: 1000 });
    await run({ ...scenarios.usage, durationMs: 1000 });

    const names = ['noop', 'hit', 'limited', 'miss', 'usage'] as const;
    const runs: Record<keyof ThroughputResults, ScenarioResult[]> = { noop: [], hit: [], miss: [], limited: [], usage: [] };
    for (let round = 1; round <= options.rounds; round++) {
      say(`round ${round}/${options.rounds}: ${names.join(', ')}, ${Math.round(roundMs)} ms each…`);
      for (const name of names) runs[name].push(await run(scenarios[name]));
    }
    return { noop: total(runs.noop), hit: total(runs.hit), miss: total(runs.miss), limited: total(runs.limited), usage: total(runs.usage) };
  } finally {
    loadgen.stop();
    await limitedServer.close();
    await limitedService.stop();
    await server.close();
    await service.stop();
    await db.$disconnect();
    await database.drop();
  }
}
