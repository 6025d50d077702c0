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
import type { Scenario, ScenarioResult } from './loadgen';

const TOKEN = 'bench-verify-token-0123456789';
const SECRET = 'bench-key-hash-secret-0123456789abcdef';
export const NOOP_PATH = '/bench/noop';

export interface ThroughputResults {
  noop: ScenarioResult;
  hit: ScenarioResult;
  miss: ScenarioResult;
}

/** The baseline: same server, same body, no work. */
async function noopRoute(req: IncomingMessage, res: ServerResponse): Promise<boolean> {
  if (req.url !== NOOP_PATH) return false;
  for await (const chunk of req) void chunk;
  sendJson(res, 200, { ok: true });
  return true;
}

function startLoadGenerator(): { run(scenario: Scenario): Promise<ScenarioResult>; stop(): void } {
  const child: ChildProcess = fork(path.join(__dirname, 'loadgen.ts'), [], { execArgv: ['--import', 'tsx'], stdio: 'inherit' });
  return {
    run: (scenario) =>
      new Promise((resolve, reject) => {
        child.once('message', (result) => resolve(result as ScenarioResult));
        child.once('exit', (code) => reject(new Error(`load generator exited with ${code}`)));
        child.send(scenario);
      }),
    stop: () => child.send('exit'),
  };
}

export async function measureThroughput(options: { policy: Policy; concurrency: number; seconds: number; missKeys: number; log: Logger; say: (line: string) => void }): Promise<ThroughputResults> {
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
    const verifyUrl = `${server.url}/v1/keys/verify`;
    const bodies = (keys: typeof hitKeys) => keys.map((k) => JSON.stringify({ key: k.key }));
    const base = { token: TOKEN, concurrency: options.concurrency, durationMs: options.seconds * 1000 };
    const noopScenario: Scenario = { ...base, url: `${server.url}${NOOP_PATH}`, bodies: bodies(hitKeys), cycle: true, expect: '"ok":true' };
    const hitScenario: Scenario = { ...base, url: verifyUrl, bodies: bodies(hitKeys), cycle: true, expect: '"code":"VALID"' };

    say('warming up (JIT, connections, the cache for the hit keys)…');
    await loadgen.run({ ...noopScenario, durationMs: 1000 });
    await loadgen.run({ ...hitScenario, cycle: false, durationMs: 30_000 });
    await loadgen.run({ ...hitScenario, durationMs: 1000 });

    say(`no-op JSON endpoint, ${options.seconds} s…`);
    const noop = await loadgen.run(noopScenario);
    say(`verify, cache hit, ${options.seconds} s…`);
    const hit = await loadgen.run(hitScenario);
    say(`verify, cache miss (every key verified once), up to ${options.seconds} s…`);
    const miss = await loadgen.run({ ...hitScenario, bodies: bodies(missKeys), cycle: false });
    return { noop, hit, miss };
  } finally {
    loadgen.stop();
    await server.close();
    await service.stop();
    await db.$disconnect();
    await database.drop();
  }
}
