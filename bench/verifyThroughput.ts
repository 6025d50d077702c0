/**
 * Throughput and latency of the verification API on the production server stack (runtime's HTTP
 * server, api/routes, the verify service with its cache, change listener and usage recorder,
 * PostgreSQL), next to a no-op JSON endpoint mounted on the same server as the baseline. The load
 * comes from `wrk` (bench/wrk.ts), a separate process; the server runs in this process, whose CPU
 * time during each run gives requests per second per core.
 *
 * Scenarios (all at the same concurrency unless said):
 * - ceiling: the same wrk script against nginx answering 200 with no work (the generator's limit);
 * - noop: POST the verify body to a no-op route of the same server (it reads the body, answers JSON);
 * - hit: verify, keys cycling over 1,000 cached keys;
 * - authorize: GET /v1/gateway/authorize, the same cached keys, no required scopes;
 * - miss: verify, seeded keys each verified once (each a database lookup, answered VALID);
 * - unknown: verify, keys that pass the shape and checksum but exist nowhere, each once (a lookup, NOT_FOUND);
 * - malformed: verify, keys whose checksum fails (refused before any hashing or lookup, MALFORMED);
 * - limited: cache hits against a second server enforcing limits in Redis (REDIS_URL) that no key reaches;
 * - usage: POST /v1/usage, full batches of 1,000 entries;
 * - flood: the hit scenario while a second wrk sends unknown keys at BENCH_FLOOD_RATE a second.
 *
 * Those run closed-loop: each connection sends its next request as soon as the answer comes, so the
 * server is at 100% of a core and p99 measures its queue as much as its work. A service behind a
 * gateway runs well below that, so the steady runs measure latency at a steady rate instead: the
 * same connections, each pausing between requests so that together they offer `steadyRate` a
 * second (wrk's delay(); wrk times each request from its send, so a stall is seen by the requests
 * in flight during it, not by those the pause would have sent: keep the rate well below the maximum).
 *
 * The failure throttle (100 failures per source address, api/failureThrottle.ts) would answer most
 * of unknown and malformed with 429, since wrk is one address: those two scenarios run with a
 * throttle that never refuses, to measure the verification itself. The flood runs with the real one.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { createFailureThrottle, type FailureThrottle } from '../api/failureThrottle';
import { sendJson } from '../api/http';
import { createApiRoutes } from '../api/routes';
import { startVerifyService } from '../api/verifyService';
import { createDb } from '../db/client';
import { mintKey } from '../domain/keyFormat';
import type { Policy } from '../domain/policy';
import { startHttpServer } from '../runtime/httpServer';
import type { Logger } from '../runtime/log';
import { verifyOutcomes } from '../runtime/metrics';
import { createBenchDatabase, seedKeys } from './benchDatabase';
import { median } from './stats';
import { createProfiler } from './cpuProfile';
import { runWrk, startStaticResponder, writeItems, type WrkMode, type WrkResult } from './wrk';

const TOKEN = 'bench-verify-token-0123456789';
const SECRET = 'bench-key-hash-secret-0123456789abcdef';
export const NOOP_PATH = '/bench/noop';
export const USAGE_BATCH = 1000;
export const USAGE_CONCURRENCY = 4;
const HIT_KEYS = 1000;

export const SCENARIOS = ['ceiling', 'noop', 'hit', 'authorize', 'miss', 'unknown', 'malformed', 'limited', 'usage', 'flood'] as const;
export type ScenarioName = (typeof SCENARIOS)[number];

export interface ScenarioTotals {
  requests: number;
  seconds: number;
  perSecond: number;
  /** The median over the rounds of each round's percentile (one stalled round moves it little)… */
  p50Ms: number;
  p99Ms: number;
  /** …and the worst round's, shown next to it so that no bad round is hidden. */
  p99WorstMs: number;
  maxMs: number;
  /** Socket errors and timeouts, plus answers that were not the expected code. */
  errors: number;
  /** Answers with an HTTP status ≥ 400 (expected only in the flood). */
  statusErrors: number;
  /** The server process's CPU seconds per second while the scenario ran (unknown for the ceiling). */
  serverCores: number | null;
  /** A once-only key set ran out and started over (its tail measured cache hits). */
  ranOut: boolean;
}

/** The scenarios also measured at a steady rate. */
export const STEADY_SCENARIOS = ['ceiling', 'noop', 'hit', 'authorize', 'miss'] as const;
export type SteadyName = (typeof STEADY_SCENARIOS)[number];

export interface LoopDelay {
  p99Ms: number;
  maxMs: number;
}

export type ThroughputResults = Record<ScenarioName, ScenarioTotals> & {
  /** The same scenarios at a steady offered rate (empty when not asked for). */
  steady: Partial<Record<SteadyName, ScenarioTotals>>;
  /** The server's event-loop delay during each scenario's closed-loop runs (the worst round). */
  loopDelay: Partial<Record<ScenarioName, LoopDelay>>;
  ceilingKind: string;
  /** The flood's own load while `flood` was measured. */
  floodLoad: { perSecond: number; refused: number; requests: number };
};

/** The baseline: same server, same body, no work. */
async function noopRoute(req: IncomingMessage, res: ServerResponse): Promise<boolean> {
  if (req.url !== NOOP_PATH) return false;
  for await (const chunk of req) void chunk;
  sendJson(res, 200, { ok: true });
  return true;
}

/** The production throttle, or one that never refuses, switched between scenarios. */
function switchableThrottle(): FailureThrottle & { refuse(on: boolean): void } {
  const real = createFailureThrottle();
  const never = createFailureThrottle({ burst: Number.MAX_SAFE_INTEGER, perSecond: Number.MAX_SAFE_INTEGER });
  let current = real;
  return {
    charge: (source, nowMs) => current.charge(source, nowMs),
    exhausted: (source, nowMs) => current.exhausted(source, nowMs),
    get sources() {
      return current.sources;
    },
    refuse(on) {
      current = on ? real : never;
    },
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

/** A key with its checksum's last character changed: the shape of a key, failing its checksum. */
function breakChecksum(key: string): string {
  const last = key[key.length - 1] === 'A' ? 'B' : 'A';
  return key.slice(0, -1) + last;
}

async function outcomeCounts(): Promise<Map<string, number>> {
  const metric = await verifyOutcomes.get();
  return new Map(metric.values.map((v) => [String(v.labels.code), v.value]));
}

const settle = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 250));

function slices<T>(items: readonly T[], parts: number): T[][] {
  const size = Math.floor(items.length / parts);
  return Array.from({ length: parts }, (_, i) => items.slice(i * size, (i + 1) * size));
}

/**
 * The scenarios take turns in `rounds` short runs rather than one long run each: on a shared
 * machine the background load drifts, and interleaving spreads that drift over all of them.
 */
export async function measureThroughput(options: {
  policy: Policy;
  concurrency: number;
  seconds: number;
  rounds: number;
  wrkThreads: number;
  missKeys: number;
  floodRate: number;
  redisUrl: string;
  log: Logger;
  say: (line: string) => void;
  only?: readonly ScenarioName[];
  /** A CPU profile of the server for each measured run goes here (bench/cpuProfile.ts). */
  profileDir?: string;
  /** Requests a second offered by the steady-rate runs; 0 skips them. */
  steadyRate: number;
}): Promise<ThroughputResults> {
  const { say, rounds } = options;
  const roundSeconds = Math.max(1, Math.round(options.seconds / rounds));
  const policy: Policy = { ...options.policy, rateLimits: {} };
  const unreachable = { perSecond: 1_000_000, burst: 1_000_000, monthlyQuota: 2_000_000_000 };
  const limitedPolicy: Policy = { ...options.policy, rateLimits: Object.fromEntries(options.policy.environments.map((e) => [e.name, unreachable])) };
  const env = policy.environments[0] as Policy['environments'][number];
  const dir = await mkdtemp(path.join(os.tmpdir(), 'keyops-bench-verify-'));
  const database = await createBenchDatabase();
  const seed = (count: number) => seedKeys({ databaseUrl: database.url, count, ownerId: 'U0BENCH', prefix: policy.keyPrefix, envTag: env.tag, environment: env.name, secret: SECRET });
  const steadyRounds = options.steadyRate > 0 ? rounds : 0;
  say(`seeding ${HIT_KEYS + options.missKeys} keys…`);
  const hitKeys = await seed(HIT_KEYS);
  // The once-only keys live in files, not in this process: the server under test shares its heap,
  // and a few hundred thousand strings would make its garbage collection slower than a real one's.
  const onceFiles = await (async () => {
    const missKeys = (await seed(options.missKeys)).map((k) => k.key);
    // Unknown keys are cheap to make (no database): enough that no round repeats one.
    const unknownKeys = Array.from({ length: Math.round(options.missKeys * 1.5) }, () => mintKey({ prefix: policy.keyPrefix, envTag: env.tag }));
    // The steady runs' share of the miss keys (what they need at the steady rate), the rest for the closed-loop runs.
    const steadyShare = Math.min(Math.floor(missKeys.length / 3), Math.ceil(options.steadyRate * roundSeconds * 1.2) * steadyRounds);
    return {
      miss: await Promise.all(slices(missKeys.slice(steadyShare), rounds).map((keys, i) => writeItems(dir, `miss-${i}`, keys))),
      steadyMiss: await Promise.all(slices(missKeys.slice(0, steadyShare), steadyRounds).map((keys, i) => writeItems(dir, `steady-miss-${i}`, keys))),
      unknown: await Promise.all(slices(unknownKeys, rounds + 1).map((keys, i) => writeItems(dir, `unknown-${i}`, keys))),
    };
  })();
  const db = createDb({ databaseUrl: database.url });
  const throttle = switchableThrottle();
  const service = await startVerifyService({ db, databaseUrl: database.url, policy, keyHashSecret: SECRET, clock: () => new Date(), log: options.log });
  const ingest = { db, verify: service.deps, usage: service.usage, maxAgeSeconds: policy.usage.retention.minutes };
  const api = createApiRoutes({ verify: service.deps, ingest, verifyApiToken: TOKEN, healthChecks: [], throttle, log: options.log });
  const server = await startHttpServer({ port: 0, host: '127.0.0.1', routes: async (req, res) => (await noopRoute(req, res)) || api(req, res), slack: null, log: options.log });
  const limitedService = await startVerifyService({ db, databaseUrl: database.url, policy: limitedPolicy, keyHashSecret: SECRET, clock: () => new Date(), log: options.log, redisUrl: options.redisUrl });
  const limitedServer = await startHttpServer({ port: 0, host: '127.0.0.1', routes: createApiRoutes({ verify: limitedService.deps, verifyApiToken: TOKEN, healthChecks: [], log: options.log }), slack: null, log: options.log });
  const responder = await startStaticResponder();
  try {
    const hitFile = await writeItems(dir, 'hit', hitKeys.map((k) => k.key));
    const malformedFile = await writeItems(dir, 'malformed', hitKeys.map((k) => breakChecksum(k.key)));
    const usageFile = await writeItems(dir, 'usage', usageBatches(hitKeys));
    const { miss: missFiles, unknown: unknownFiles, steadyMiss: steadyMissFiles } = onceFiles;
    const floodFile = unknownFiles[rounds] as string;

    const verifyUrl = `${server.url}/v1/keys/verify`;
    const base = { token: TOKEN, connections: options.concurrency, threads: options.wrkThreads, seconds: roundSeconds };
    type Plan = { url: string; mode: WrkMode; items: (round: number) => string; expect?: string; refuse?: boolean; connections?: number; once?: boolean; serverCpu?: boolean };
    const plans: Record<Exclude<ScenarioName, 'flood'>, Plan> = {
      ceiling: { url: `${responder.url}/v1/keys/verify`, mode: 'verify', items: () => hitFile, serverCpu: false },
      noop: { url: `${server.url}${NOOP_PATH}`, mode: 'verify', items: () => hitFile },
      hit: { url: verifyUrl, mode: 'verify', items: () => hitFile, expect: 'VALID' },
      authorize: { url: `${server.url}/v1/gateway/authorize`, mode: 'authorize', items: () => hitFile, expect: 'VALID' },
      miss: { url: verifyUrl, mode: 'verify', items: (r) => missFiles[r] as string, expect: 'VALID', once: true },
      unknown: { url: verifyUrl, mode: 'verify', items: (r) => unknownFiles[r] as string, expect: 'NOT_FOUND', refuse: false, once: true },
      malformed: { url: verifyUrl, mode: 'verify', items: () => malformedFile, expect: 'MALFORMED', refuse: false },
      limited: { url: `${limitedServer.url}/v1/keys/verify`, mode: 'verify', items: () => hitFile, expect: 'VALID' },
      usage: { url: `${server.url}/v1/usage`, mode: 'body', items: () => usageFile, connections: USAGE_CONCURRENCY },
    };

    type Run = { wrk: WrkResult; cpuSeconds: number; wrong: number; loop?: LoopDelay };
    const runPlan = async (plan: Plan, round: number, seconds = roundSeconds, delayMs = 0): Promise<Run> => {
      throttle.refuse(plan.refuse ?? true);
      // What the previous scenario counted is written before this one starts, not during it.
      await Promise.all([service.usage.flush(), limitedService.usage.flush()]);
      const before = await outcomeCounts();
      const loopDelay = monitorEventLoopDelay({ resolution: 1 });
      loopDelay.enable();
      const cpu = process.cpuUsage();
      const wrk = await runWrk({ ...base, seconds, url: plan.url, mode: plan.mode, itemsFile: plan.items(round), connections: plan.connections ?? base.connections, delayMs });
      const used = process.cpuUsage(cpu);
      loopDelay.disable();
      const loop = { p99Ms: loopDelay.percentile(99) / 1e6, maxMs: loopDelay.max / 1e6 };
      // Requests wrk left in flight finish now: let them, so the next scenario's counts are its own.
      await settle();
      const after = await outcomeCounts();
      let wrong = 0;
      if (plan.expect) for (const [code, n] of after) if (code !== plan.expect) wrong += n - (before.get(code) ?? 0);
      return { wrk, cpuSeconds: (used.user + used.system) / 1e6, wrong, loop };
    };
    const report = (name: string, r: Run): void => {
      const loop = r.loop ? `; server event loop delayed p99 ${r.loop.p99Ms.toFixed(1)} ms, max ${r.loop.maxMs.toFixed(1)} ms` : '';
      say(`  ${name}: ${Math.round(r.wrk.perSecond)} req/s, p50 ${r.wrk.p50Ms.toFixed(2)} ms, p99 ${r.wrk.p99Ms.toFixed(2)} ms, max ${r.wrk.maxMs.toFixed(1)} ms${loop}`);
    };

    const runFlood = async (): Promise<{ wrk: WrkResult; cpuSeconds: number; flood: WrkResult }> => {
      throttle.refuse(true);
      await service.usage.flush();
      // Enough connections, each paced, to offer the rate while answers take up to ~10 ms; a
      // saturated server answers fewer (the achieved rate is reported).
      const floodConnections = 64;
      const cpu = process.cpuUsage();
      const [wrk, flood] = await Promise.all([
        runWrk({ ...base, url: verifyUrl, mode: 'verify', itemsFile: hitFile }),
        runWrk({ ...base, threads: 1, url: verifyUrl, mode: 'verify', itemsFile: floodFile, connections: floodConnections, delayMs: Math.max(1, Math.round((floodConnections * 1000) / options.floodRate)) }),
      ]);
      const used = process.cpuUsage(cpu);
      await settle();
      return { wrk, flood, cpuSeconds: (used.user + used.system) / 1e6 };
    };

    const wanted = new Set<ScenarioName>(options.only ?? SCENARIOS);
    say('warming up (JIT, connections, the caches of both servers)…');
    for (const name of ['noop', 'hit', 'authorize', 'limited', 'malformed', 'usage'] as const) if (wanted.has(name) || name === 'hit') await runPlan(plans[name], 0, 2);

    const runs = new Map<ScenarioName, Run[]>(SCENARIOS.map((n) => [n, []]));
    const steadyRuns = new Map<SteadyName, Run[]>(STEADY_SCENARIOS.map((n) => [n, []]));
    // Each connection's pause between requests, so that together they offer the steady rate.
    const steadyDelayMs = options.steadyRate > 0 ? Math.max(1, Math.round((options.concurrency * 1000) / options.steadyRate)) : 0;
    const steadyPlans: Record<SteadyName, Plan> = { ...plans, miss: { ...plans.miss, items: (r) => steadyMissFiles[r] as string } };
    const floodRuns: WrkResult[] = [];
    const profiler = createProfiler(options.profileDir);
    for (let round = 0; round < rounds; round++) {
      say(`round ${round + 1}/${rounds}: ${[...wanted].join(', ')}, ${roundSeconds} s each…`);
      for (const name of SCENARIOS) {
        if (!wanted.has(name)) continue;
        if (name === 'flood') {
          const { wrk, flood, cpuSeconds } = await profiler.around(`flood-${round + 1}`, runFlood);
          runs.get('flood')?.push({ wrk, cpuSeconds, wrong: 0 });
          floodRuns.push(flood);
        } else {
          const run = await profiler.around(`${name}-${round + 1}`, () => runPlan(plans[name], round));
          runs.get(name)?.push(run);
          report(name, run);
        }
      }
      if (round >= steadyRounds) continue;
      for (const name of STEADY_SCENARIOS) {
        if (!wanted.has(name)) continue;
        const run = await runPlan(steadyPlans[name], round, roundSeconds, steadyDelayMs);
        steadyRuns.get(name)?.push(run);
        report(`${name} at a steady rate`, run);
      }
    }

    const totalOf = (name: ScenarioName, list: readonly Run[]): ScenarioTotals => {
      const requests = list.reduce((s, r) => s + r.wrk.requests, 0);
      const seconds = list.reduce((s, r) => s + r.wrk.seconds, 0);
      const serverCpu = name === 'ceiling' ? null : list.reduce((s, r) => s + r.cpuSeconds, 0);
      return {
        requests,
        seconds,
        perSecond: seconds > 0 ? requests / seconds : NaN,
        p50Ms: median(list.map((r) => r.wrk.p50Ms)),
        p99Ms: median(list.map((r) => r.wrk.p99Ms)),
        p99WorstMs: Math.max(...list.map((r) => r.wrk.p99Ms)),
        maxMs: Math.max(...list.map((r) => r.wrk.maxMs)),
        errors: list.reduce((s, r) => s + r.wrk.socketErrors + r.wrong, 0),
        statusErrors: list.reduce((s, r) => s + r.wrk.statusErrors, 0),
        serverCores: serverCpu === null || seconds === 0 ? null : serverCpu / seconds,
        ranOut: name === 'miss' || name === 'unknown' ? list.some((r) => r.wrk.wrapped > 0) : false,
      };
    };
    const total = (name: ScenarioName): ScenarioTotals => totalOf(name, runs.get(name) ?? []);
    const worstLoop = (list: readonly Run[]): LoopDelay | undefined => {
      const loops = list.flatMap((r) => (r.loop ? [r.loop] : []));
      return loops.length ? { p99Ms: Math.max(...loops.map((l) => l.p99Ms)), maxMs: Math.max(...loops.map((l) => l.maxMs)) } : undefined;
    };
    const floodRequests = floodRuns.reduce((s, r) => s + r.requests, 0);
    const floodSeconds = floodRuns.reduce((s, r) => s + r.seconds, 0);
    return {
      ...(Object.fromEntries(SCENARIOS.map((n) => [n, total(n)])) as Record<ScenarioName, ScenarioTotals>),
      steady: Object.fromEntries(STEADY_SCENARIOS.filter((n) => (steadyRuns.get(n) ?? []).length > 0).map((n) => [n, totalOf(n, steadyRuns.get(n) ?? [])])),
      loopDelay: Object.fromEntries(SCENARIOS.flatMap((n) => {
        const worst = worstLoop(runs.get(n) ?? []);
        return worst ? [[n, worst]] : [];
      })),
      ceilingKind: responder.kind,
      floodLoad: { requests: floodRequests, perSecond: floodSeconds > 0 ? floodRequests / floodSeconds : NaN, refused: floodRuns.reduce((s, r) => s + r.statusErrors, 0) },
    };
  } finally {
    await responder.stop();
    await limitedServer.close();
    await limitedService.stop();
    await server.close();
    await service.stop();
    await db.$disconnect();
    await database.drop();
    await rm(dir, { recursive: true, force: true });
  }
}
