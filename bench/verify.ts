/**
 * `npm run bench:verify`: the verification API's numbers, in one run on this machine.
 *
 *   1. Throughput and latency at a fixed concurrency: a no-op JSON endpoint, verify with a cache
 *      hit, verify with a cache miss (each key verified once, so each is a database lookup), and
 *      verify's throughput as a ratio of the no-op's (target: at least 0.5); verify with rate
 *      limits in Redis as a ratio of verify without them; POST /v1/usage ingestion in entries/s.
 *   2. Revocation propagation: from the Revoke confirmation in Slack to both of two API processes
 *      answering REVOKED (target: p99 under one second).
 *
 * Settings: BENCH_CONCURRENCY (32), BENCH_SECONDS (5, per scenario), BENCH_ROUNDS (5: the scenarios
 * take turns, so that drifting background load affects them alike), BENCH_MISS_KEYS (60000), BENCH_REVOCATIONS
 * (120), REDIS_URL (redis://127.0.0.1:6379), BENCH_DATABASE_URL (PostgreSQL to create throwaway databases on; default TEST_DATABASE_URL
 * or postgresql://postgres@127.0.0.1:5432/postgres). Needs the `temporal` CLI for part 2.
 */
import os from 'node:os';
import { loadPolicy } from '../config/policyFile';
import { createLogger } from '../runtime/log';
import { measurePropagation } from './revocationPropagation';
import { ms, summarize, table } from './stats';
import { USAGE_BATCH, USAGE_CONCURRENCY, measureThroughput } from './verifyThroughput';

const setting = (name: string, fallback: number): number => {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} must be a positive number`);
  return value;
};

async function main(): Promise<void> {
  const concurrency = setting('BENCH_CONCURRENCY', 32);
  const seconds = setting('BENCH_SECONDS', 5);
  const rounds = setting('BENCH_ROUNDS', 5);
  const revocations = setting('BENCH_REVOCATIONS', 120);
  const missKeys = setting('BENCH_MISS_KEYS', 60_000);
  const { policy } = loadPolicy(process.env.POLICY_FILE);
  // keyops's own logs would drown the report: warnings and errors only, on stderr.
  const log = createLogger({ name: 'bench', level: 'warn', sink: (line) => process.stderr.write(line + '\n') });
  const say = (line: string): void => void process.stderr.write(`  ${line}\n`);

  console.log(`keyops verify benchmark: node ${process.version}, ${os.cpus().length} cores (${os.cpus()[0]?.model ?? 'unknown'}), load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  console.log(`\n1. Throughput: ${concurrency} concurrent keep-alive connections from a separate load-generator process, ${seconds} s per scenario in ${rounds} interleaved rounds\n`);
  const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
  const results = await measureThroughput({ policy, concurrency, seconds, rounds, missKeys, redisUrl, log, say });
  const rows = (
    [
      ['no-op JSON endpoint', results.noop],
      ['verify, cache hit', results.hit],
      ['verify, cache miss', results.miss],
      ['verify, cache hit, limits in Redis', results.limited],
      [`POST /v1/usage, ${USAGE_BATCH} entries a batch`, results.usage],
    ] as const
  ).map(([name, r]) => [name, r.requests, r.errors, Math.round(r.perSecond), ms(r.latencyMs.p50), ms(r.latencyMs.p99), (r.perSecond / results.noop.perSecond).toFixed(2)]);
  console.log(table(['scenario', 'requests', 'errors', 'req/s', 'p50 ms', 'p99 ms', 'x no-op'], rows));
  if (results.miss.ranOut) console.log(`(the cache-miss runs used up all ${missKeys} keys before their time was up; raise BENCH_MISS_KEYS for full runs)`);
  const ratio = results.hit.perSecond / results.noop.perSecond;
  console.log(`\nverify (cache hit) throughput = ${ratio.toFixed(2)} x the no-op's: ${ratio >= 0.5 ? 'meets' : 'MISSES'} the 0.5 target`);
  const limitedRatio = results.limited.perSecond / results.hit.perSecond;
  console.log(`verify with rate limiting in Redis = ${limitedRatio.toFixed(2)} x verify without it (p50 ${ms(results.limited.latencyMs.p50)} ms vs ${ms(results.hit.latencyMs.p50)} ms)`);
  console.log(`POST /v1/usage ingestion: ${Math.round(results.usage.perSecond * USAGE_BATCH).toLocaleString('en-US')} entries/s (${USAGE_CONCURRENCY} concurrent batches of ${USAGE_BATCH})`);

  console.log(`\n2. Revocation propagation: Revoke confirmed in Slack (fake Slack → real Bolt app) → both of 2 API processes answer REVOKED\n`);
  const samples = await measurePropagation({ policy, revocations, log, say });
  const revoked = summarize(samples.revoked);
  const confirmed = summarize(samples.confirmed);
  const row = (name: string, p: typeof revoked) => [name, p.count, ms(p.p50, 1), ms(p.p90, 1), ms(p.p99, 1), ms(p.max, 1)];
  console.log(table(['from the confirmation to', 'samples', 'p50 ms', 'p90 ms', 'p99 ms', 'max ms'], [row('both APIs answer REVOKED', revoked), row('the responder is told', confirmed)]));
  console.log(`\npropagation p99 ${ms(revoked.p99, 1)} ms: ${revoked.p99 < 1000 ? 'meets' : 'MISSES'} the 1 s promise (load average now ${os.loadavg().map((l) => l.toFixed(2)).join(' ')})`);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
