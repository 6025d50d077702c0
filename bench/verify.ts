/**
 * `npm run bench:verify`: the verification API's numbers, in one run on this machine.
 *
 *   1. Throughput and latency at a fixed concurrency, closed-loop, driven by `wrk` (bench/wrk.ts; Debian:
 *      `apt-get install wrk`): the generator's own ceiling (the same script against nginx answering
 *      200), a no-op JSON endpoint on keyops's server, verify with a cache hit, with a cache miss
 *      (a known key, a database lookup), with unknown keys that pass the checksum (a lookup) and
 *      with keys that fail it (no lookup), gateway forward-auth, limits in Redis, POST /v1/usage,
 *      and valid keys during a flood of unknown ones; each as req/s, p50/p99, a ratio of the
 *      no-op's, and req/s per core of the server process (bench/verifyThroughput.ts). Then the
 *      latency of the ceiling, no-op, hit, forward-auth and miss at a steady rate well below the
 *      maximum, as a service behind a gateway runs.
 *   2. Revocation propagation: from the Revoke confirmation in Slack to both of two API processes
 *      answering REVOKED (target: p99 under one second).
 *
 * Settings: BENCH_CONCURRENCY (32), BENCH_SECONDS (10, per scenario), BENCH_ROUNDS (5: the scenarios
 * take turns, so that drifting background load affects them alike), BENCH_WRK_THREADS (2),
 * BENCH_MISS_KEYS (200000), BENCH_STEADY_RATE (5000 requests a second; 0 skips the steady runs), BENCH_FLOOD_RATE (5000 unknown keys a second), BENCH_SCENARIOS (a comma
 * list of scenario names: only those, and part 2 only if it names `propagation`), BENCH_REVOCATIONS
 * (120), REDIS_URL (redis://127.0.0.1:6379), BENCH_DATABASE_URL (PostgreSQL to create throwaway
 * databases on; default TEST_DATABASE_URL or postgresql://postgres@127.0.0.1:5432/postgres),
 * BENCH_CPU_PROF (a folder: a CPU profile of the server for each measured run, bench/cpuProfile.ts),
 * BENCH_PIN (1: keyops on all cores but the last, wrk and a local PostgreSQL on the last; 0: they
 * share every core; bench/pinning.ts).
 * Needs `wrk`, and the `temporal` CLI for part 2.
 */
import os from 'node:os';
import { loadPolicy } from '../config/policyFile';
import { createLogger } from '../runtime/log';
import { measurePropagation } from './revocationPropagation';
import { ms, summarize, table } from './stats';
import { SCENARIOS, STEADY_SCENARIOS, USAGE_BATCH, USAGE_CONCURRENCY, measureThroughput, type ScenarioName } from './verifyThroughput';
import { ADMIN_URL } from './benchDatabase';
import { pinCores, unpin } from './pinning';
import { checkWrk } from './wrk';

/** Tyk's published figure: about 3,000 requests/s per vCPU with auth, rate limiting and analytics on. */
const TYK_PER_VCPU = 3000;

const setting = (name: string, fallback: number, options: { zero?: boolean } = {}): number => {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isFinite(value) || value < 0 || (value === 0 && !options.zero)) throw new Error(`${name} must be a positive number`);
  return value;
};

const loadAverage = (): string => os.loadavg().map((l) => l.toFixed(2)).join(' ');

async function main(): Promise<void> {
  const concurrency = setting('BENCH_CONCURRENCY', 32);
  const seconds = setting('BENCH_SECONDS', 10);
  const rounds = setting('BENCH_ROUNDS', 5);
  const wrkThreads = setting('BENCH_WRK_THREADS', 2);
  const revocations = setting('BENCH_REVOCATIONS', 120);
  const missKeys = setting('BENCH_MISS_KEYS', 200_000);
  const steadyRate = setting('BENCH_STEADY_RATE', 5000, { zero: true });
  const floodRate = setting('BENCH_FLOOD_RATE', 5000);
  const named = process.env.BENCH_SCENARIOS?.split(',').map((n) => n.trim()).filter(Boolean);
  const unknown = named?.filter((n) => n !== 'propagation' && !(SCENARIOS as readonly string[]).includes(n));
  if (unknown?.length) throw new Error(`BENCH_SCENARIOS: unknown ${unknown.join(', ')}; known: ${[...SCENARIOS, 'propagation'].join(', ')}`);
  // The ratios need the no-op in the same run.
  const only = named ? [...new Set(['noop', ...named.filter((n) => n !== 'propagation')])] as ScenarioName[] : undefined;
  const { policy } = loadPolicy(process.env.POLICY_FILE);
  // keyops's own logs would drown the report: warnings and errors only, on stderr.
  const log = createLogger({ name: 'bench', level: 'warn', sink: (line) => process.stderr.write(line + '\n') });
  const say = (line: string): void => void process.stderr.write(`  ${line}\n`);
  await checkWrk();
  const pinned = await pinCores({ databaseUrl: ADMIN_URL });

  console.log(`keyops verify benchmark: node ${process.version}, ${os.cpus().length} cores (${os.cpus()[0]?.model ?? 'unknown'}), load average ${loadAverage()}`);
  console.log(`\n1. Throughput: wrk, ${concurrency} keep-alive connections (${wrkThreads} threads), ${seconds} s per scenario in ${rounds} interleaved rounds; keyops is one Node process`);
  const database = pinned?.database.length ? ` and PostgreSQL (${pinned.database.length} processes, given every core back at the end)` : '';
  console.log(pinned ? `   pinned: keyops (and the ceiling's nginx) on core ${pinned.server}, wrk${database} on core ${pinned.generator} (BENCH_PIN=0 to share them)\n` : '   not pinned: keyops and wrk share every core\n');
  const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
  const profileDir = process.env.BENCH_CPU_PROF;
  const r = await measureThroughput({ policy, concurrency, seconds, rounds, wrkThreads, missKeys, floodRate, redisUrl, log, say, steadyRate, ...(only ? { only } : {}), ...(profileDir ? { profileDir } : {}) });
  const names: Record<ScenarioName, string> = {
    ceiling: `generator ceiling: wrk → ${r.ceilingKind}`,
    noop: 'no-op JSON endpoint (the baseline)',
    hit: 'verify, cache hit',
    authorize: 'forward-auth (GET /v1/gateway/authorize), hit',
    miss: 'verify, cache miss (known key, DB lookup)',
    unknown: 'verify, unknown key, checksum ok (DB lookup)',
    malformed: 'verify, checksum fails (no lookup)',
    limited: 'verify, cache hit, limits in Redis',
    usage: `POST /v1/usage, ${USAGE_BATCH} entries a batch (${USAGE_CONCURRENCY} conns)`,
    flood: `verify, cache hit, during a flood of unknown keys`,
  };
  const ran = SCENARIOS.filter((n) => r[n].requests > 0);
  const rows = ran.map((n) => {
    const t = r[n];
    const loop = n === 'ceiling' ? undefined : r.loopDelay[n];
    return [names[n], Math.round(t.perSecond), ms(t.p50Ms), `${ms(t.p99Ms)} (${ms(t.p99WorstMs)})`, (t.perSecond / r.noop.perSecond).toFixed(2), t.serverCores === null ? '' : t.serverCores.toFixed(2), t.serverCores ? Math.round(t.perSecond / t.serverCores) : '', loop ? `${ms(loop.p99Ms)} / ${ms(loop.maxMs)}` : '', t.errors];
  });
  console.log(table(['scenario', 'req/s', 'p50 ms', 'p99 ms (worst)', 'x no-op', 'server cores', 'req/s per core', 'loop delay p99/max ms', 'errors'], rows));
  console.log(`\n(p50/p99: the median over the ${rounds} rounds of each round's percentile, the worst round's p99 in brackets. server cores: CPU seconds the keyops process used per second of the run; req/s per core = req/s ÷ that.`);
  console.log(` loop delay: how late the server's event loop ran a 1 ms timer during the run (its stalls: garbage collection, flushes), the worst round.`);
  console.log(` errors: socket errors and answers other than the scenario's code. The unknown and checksum scenarios run without the failure throttle; the flood with it.)`);
  if (r.miss.ranOut || r.unknown.ranOut) console.log(`(a once-only key set ran out and started over, so part of a miss run measured hits: raise BENCH_MISS_KEYS)`);

  const check = (label: string, value: number, target: number, higher = true): string => `${label} = ${value.toFixed(2)}: ${(higher ? value >= target : value < target) ? 'meets' : 'MISSES'} the target (${higher ? '≥' : '<'} ${target})`;
  console.log('');
  if (r.ceiling.requests > 0) console.log(`the generator sends up to ${Math.round(r.ceiling.perSecond)} req/s here; the no-op ran at ${((r.noop.perSecond / r.ceiling.perSecond) * 100).toFixed(0)}% of that`);
  if (r.hit.requests > 0) console.log(check('verify (cache hit) ÷ no-op', r.hit.perSecond / r.noop.perSecond, 0.6));
  if (r.authorize.requests > 0) console.log(check('forward-auth ÷ no-op', r.authorize.perSecond / r.noop.perSecond, 0.55));
  if (r.miss.requests > 0) console.log(check('verify (cache miss) ÷ no-op', r.miss.perSecond / r.noop.perSecond, 0.3));
  for (const n of ['hit', 'authorize', 'miss'] as const) if (r[n].requests > 0) console.log(check(`${names[n]}: p99 ms at ${concurrency} connections, saturated (median round)`, r[n].p99Ms, 10, false));
  const perCore = (t: (typeof r)['hit']): string => (t.serverCores ? `${Math.round(t.perSecond / t.serverCores).toLocaleString('en-US')}` : '?');
  if (r.limited.requests > 0) {
    console.log(`per core: verify with limits in Redis and usage recording ${perCore(r.limited)} req/s, cache hit ${perCore(r.hit)}, forward-auth ${perCore(r.authorize)}; Tyk publishes ~${TYK_PER_VCPU.toLocaleString('en-US')} per vCPU with auth, rate limiting and analytics (Redis's own CPU is not counted here)`);
  }
  if (r.flood.requests > 0 && r.hit.requests > 0) {
    console.log(`flood: ${Math.round(r.floodLoad.perSecond)} unknown keys/s from the same address (${r.floodLoad.refused} of ${r.floodLoad.requests} answered 429 by the failure throttle) cut valid-key throughput to ${(r.flood.perSecond / r.hit.perSecond).toFixed(2)} x (p99 ${ms(r.flood.p99Ms)} ms)`);
  }
  if (r.usage.requests > 0) console.log(`POST /v1/usage ingestion: ${Math.round(r.usage.perSecond * USAGE_BATCH).toLocaleString('en-US')} entries/s`);

  const steady = STEADY_SCENARIOS.flatMap((n) => {
    const t = r.steady[n];
    return t && t.requests > 0 ? [[n, t] as const] : [];
  });
  if (steady.length > 0) {
    console.log(`\nLatency at a steady ${steadyRate.toLocaleString('en-US')} req/s offered (${concurrency} connections, each pausing between requests; the server well below its maximum):\n`);
    console.log(table(['scenario', 'req/s', 'p50 ms', 'p99 ms (worst)', 'max ms', 'server cores', 'errors'], steady.map(([n, t]) => [names[n], Math.round(t.perSecond), ms(t.p50Ms), `${ms(t.p99Ms)} (${ms(t.p99WorstMs)})`, ms(t.maxMs), t.serverCores === null ? '' : t.serverCores.toFixed(2), t.errors])));
    console.log(`\n(p50/p99: the median round's, the worst round's p99 in brackets; max: the worst round's. wrk times each request from its send: a stall is seen by the requests in flight during it.)`);
    for (const [n, t] of steady) if (n === 'hit' || n === 'authorize' || n === 'miss') console.log(check(`${names[n]}: p99 ms at ${concurrency} connections, ${Math.round(t.perSecond).toLocaleString('en-US')} req/s (median round)`, t.p99Ms, 10, false));
  }
  console.log(`(load average now ${loadAverage()})`);
  if (named && !named.includes('propagation')) return;

  console.log(`\n2. Revocation propagation: Revoke confirmed in Slack (fake Slack → real Bolt app) → both of 2 API processes answer REVOKED\n`);
  const samples = await measurePropagation({ policy, revocations, log, say });
  const revoked = summarize(samples.revoked);
  const confirmed = summarize(samples.confirmed);
  const row = (name: string, p: typeof revoked) => [name, p.count, ms(p.p50, 1), ms(p.p90, 1), ms(p.p99, 1), ms(p.max, 1)];
  console.log(table(['from the confirmation to', 'samples', 'p50 ms', 'p90 ms', 'p99 ms', 'max ms'], [row('both APIs answer REVOKED', revoked), row('the responder is told', confirmed)]));
  console.log(`\npropagation p99 ${ms(revoked.p99, 1)} ms: ${revoked.p99 < 1000 ? 'meets' : 'MISSES'} the 1 s promise (load average now ${os.loadavg().map((l) => l.toFixed(2)).join(' ')})`);
}

main()
  .finally(unpin)
  .then(
    () => process.exit(0),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
