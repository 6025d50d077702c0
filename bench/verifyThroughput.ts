/**
 * Throughput and latency of the verification API on the production server stack (runtime's HTTP
 * server, api/routes, the verify service with its cache, change listener and usage recorder,
 * PostgreSQL), next to a no-op JSON endpoint mounted on the same server as the baseline. The load
 * comes from a second process (bench/loadgen.ts).
 */
import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createApiRoutes, sendJson } from '../api/routes';
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
}

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

function total(runs: ScenarioResult[]): ScenarioTotals {
  const latencies = runs.flatMap((r) => r.latencies);
  const elapsedMs = runs.reduce((sum, r) => sum + r.elapsedMs, 0);
  return { requests: latencies.length, errors: runs.reduce((sum, r) => sum + r.errors, 0), perSecond: (latencies.length / elapsedMs) * 1000, latencyMs: summarize(latencies), ranOut: runs.some((r) => r.ranOut) };
}

/**
 * The scenarios take turns in `rounds` short runs rather than one long run each: on a shared
 * machine the background load drifts, and interleaving spreads that drift over all three.
 */
export async function measureThroughput(options: { policy: Policy; concurrency: number; seconds: number; rounds: number; missKeys: number; log: Logger; say: (line: string) => void }): Promise<ThroughputResults> {
  const { policy, say } = options;
  const database = await createBenchDatabase();
  const env = policy.environments[0] as Policy['environments'][number];
  const seed = (count: number) => seedKeys({ databaseUrl: database.url, count, ownerId: 'U0BENCH', prefix: policy.keyPrefix, envTag: env.tag, environment: env.name, secret: SECRET });
  say(`seeding ${1000 + options.missKeys} keys…`);
  const hitKeys = await seed(1000);
  const missKeys = await seed(options.missKeys);
  const db = createDb({ databaseUrl: database.url });
  const service = await startVerifyService({ db, databaseUrl: database.url, policy, keyHashSecret: SECRET, clock: () => new Date(), log: options.log });
  const api = createApiRoutes({ verify: service.deps, verifyApiToken: TOKEN, healthChecks: [], log: options.log });
  const server = await startHttpServer({ port: 0, host: '127.0.0.1', routes: async (req, res) => (await noopRoute(req, res)) || api(req, res), slack: null, log: options.log });
  const loadgen = startLoadGenerator();
  try {
    const bodies = (keys: typeof hitKeys) => keys.map((k) => JSON.stringify({ key: k.key }));
    await loadgen.send({ type: 'bodies', set: 'hit', bodies: bodies(hitKeys) });
    await loadgen.send({ type: 'bodies', set: 'warm', bodies: bodies(hitKeys) });
    await loadgen.send({ type: 'bodies', set: 'miss', bodies: bodies(missKeys) });
    const roundMs = (options.seconds * 1000) / options.rounds;
    const base = { token: TOKEN, concurrency: options.concurrency, durationMs: roundMs };
    const scenarios: Record<keyof ThroughputResults, Scenario> = {
      noop: { ...base, url: `${server.url}${NOOP_PATH}`, set: 'hit', cycle: true, expect: '"ok":true' },
      hit: { ...base, url: `${server.url}/v1/keys/verify`, set: 'hit', cycle: true, expect: '"code":"VALID"' },
      // Every key verified once: each request is a database lookup.
      miss: { ...base, url: `${server.url}/v1/keys/verify`, set: 'miss', cycle: false, expect: '"code":"VALID"' },
    };
    const run = (scenario: Scenario) => loadgen.send({ type: 'run', scenario }) as Promise<ScenarioResult>;

    say('warming up (JIT, connections, the cache for the hit keys)…');
    await run({ ...scenarios.noop, durationMs: 1000 });
    await run({ ...scenarios.hit, set: 'warm', cycle: false, durationMs: 30_000 });
    await run({ ...scenarios.hit, durationMs: 1000 });

    const runs: Record<keyof ThroughputResults, ScenarioResult[]> = { noop: [], hit: [], miss: [] };
    for (let round = 1; round <= options.rounds; round++) {
      say(`round ${round}/${options.rounds}: no-op, cache hit, cache miss, ${Math.round(roundMs)} ms each…`);
      for (const name of ['noop', 'hit', 'miss'] as const) runs[name].push(await run(scenarios[name]));
    }
    return { noop: total(runs.noop), hit: total(runs.hit), miss: total(runs.miss) };
  } finally {
    loadgen.stop();
    await server.close();
    await service.stop();
    await db.$disconnect();
    await database.drop();
  }
}
