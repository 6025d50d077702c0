/**
 * Leaks: how fast a leaked key dies, and what watching every message costs. Real keyops in its own
 * process (bot, API and worker in one, as `npm start` runs it), PostgreSQL, a Temporal dev server;
 * Slack faked at its API, GitHub's signing keys generated here and served locally.
 *
 *   scan cost       µs per message of paste detection on channel traffic, in this process, against
 *                   JSON.parse of the event body and a bare regex (bench/scanCost.ts)
 *   bot CPU         keyops's CPU (/proc/<pid>/stat) while idle, then while LOAD_RATE messages a
 *                   second without keys arrive for LOAD_SECONDS, as a share of one core
 *   paste           a live key posted in a message → verify answers REVOKED (bench/leakLatency.ts)
 *   GitHub          a signed alert naming a live key → verify answers REVOKED
 *
 *   npm run bench -- leaks     (or tsx bench/leaks.ts; LEAK_PASTES, LEAK_ALERTS, LOAD_RATE,
 *                               LOAD_SECONDS, IDLE_SECONDS, ALERT_BATCH, SCAN_MESSAGES change the sizes)
 */
import { cpus, loadavg } from 'node:os';
import { loadPolicy } from '../config/policyFile';
import { mintKey } from '../domain/keyFormat';
import { findEnvironment } from '../domain/policy';
import { newGithubSigner, startGithubKeysServer } from '../test/support/githubKeys';
import { seedKeyRow, type SeededKey } from '../test/support/seedKeys';
import { runBenches, type Bench, type BenchReport } from './bench';
import { channelTraffic } from './channelTraffic';
import { measureAlertBatch, measureGithubAlerts, measurePastes } from './leakLatency';
import { sendMessages } from './messageLoad';
import { cpuShareDuring, settle } from './processStats';
import { measureScanCost } from './scanCost';
import { KEY_HASH_SECRET, startBenchStack, type BenchStack } from './stack';

const PASTES = Number(process.env.LEAK_PASTES ?? 100);
const ALERTS = Number(process.env.LEAK_ALERTS ?? 100);
const LOAD_RATE = Number(process.env.LOAD_RATE ?? 100);
const LOAD_SECONDS = Number(process.env.LOAD_SECONDS ?? 30);
const IDLE_SECONDS = Number(process.env.IDLE_SECONDS ?? 10);
const ALERT_BATCH = Number(process.env.ALERT_BATCH ?? 100);
const SCAN_MESSAGES = Number(process.env.SCAN_MESSAGES ?? 10_000);
/** The first leaks pay for cold caches (names from Slack, workflow bundle, connections): not counted. */
const WARMUP = 5;
const ENVIRONMENT = 'production';

export const leaksBench: Bench = {
  name: 'leaks',
  measures: `a live key pasted in Slack (${PASTES}) or reported by GitHub (${ALERTS}) → verify answers REVOKED; paste detection's cost per message and keyops's CPU at ${LOAD_RATE} messages/s`,
  async run(): Promise<BenchReport> {
    const { policy } = loadPolicy(undefined);
    const envTag = findEnvironment(policy, ENVIRONMENT)?.tag ?? 'live';
    const scan = measureScanCost({ prefix: policy.keyPrefix, envTag, messages: SCAN_MESSAGES, keyRate: 0.001 });
    const signer = newGithubSigner('bench-github-key');
    const githubKeys = await startGithubKeysServer([signer]);
    const h = await startBenchStack({ env: { GITHUB_SECRET_SCANNING_KEYS_URL: githubKeys.url } });
    try {
      const pid = h.keyops.child.pid as number;
      const seeded = await seed(h, { count: 2 * WARMUP + PASTES + ALERTS, environment: ENVIRONMENT });
      await settle(pid);
      const idle = await cpuShareDuring(pid, () => new Promise((resolve) => setTimeout(resolve, IDLE_SECONDS * 1000)));
      const callsBefore = h.fake.calls.length;
      const traffic = channelTraffic({ count: 5000, prefix: policy.keyPrefix, envTag, keyRate: 0, seed: 7 });
      const busy = await cpuShareDuring(pid, () => sendMessages(h, { events: traffic, perSecond: LOAD_RATE, seconds: LOAD_SECONDS }));
      const load = busy.value;
      const slackCalls = h.fake.calls.length - callsBefore;
      const keysFound = h.keyops.logs.filter((line) => line.includes('keys found in a message')).length;
      await settle(pid);

      const pastes = await measurePastes(h, seeded.slice(0, WARMUP + PASTES));
      const alerts = await measureGithubAlerts(h, { signer, keys: seeded.slice(WARMUP + PASTES) });
      // Well-formed tokens keyops never issued (test fixtures, documentation examples): a lookup each, nothing to revoke.
      const batch = Array.from({ length: ALERT_BATCH }, () => mintKey({ prefix: policy.keyPrefix, envTag }));
      const batchMs: number[] = [];
      for (let i = 0; i < 3; i++) batchMs.push(await measureAlertBatch(h, { signer, tokens: batch }));
      const perMessageUs = ((busy.cpuMs - idle.share * busy.wallMs) * 1000) / load.sent;
      return {
        series: [
          { label: 'paste → verify answers REVOKED', samplesMs: pastes.revoked.slice(WARMUP) },
          { label: 'paste → Slack has its ack', samplesMs: pastes.answered.slice(WARMUP) },
          { label: 'GitHub alert → verify answers REVOKED', samplesMs: alerts.revoked.slice(WARMUP) },
          { label: 'GitHub alert → GitHub has its feedback', samplesMs: alerts.answered.slice(WARMUP) },
          { label: `message ack at ${LOAD_RATE}/s (no keys)`, samplesMs: load.ackMs, targetP95Ms: 3000 },
        ],
        notes: [
          `scan (${scan.messages} messages, ${scan.meanBodyBytes.toFixed(0)} B bodies on average; prefix in ${scan.prefixSeen}, a well-formed key in ${scan.withKey}, found ${scan.found}): ` +
            `${scan.scanUs.toFixed(2)} µs/message; JSON.parse of the body ${scan.jsonParseUs.toFixed(2)} µs (scan = ${(scan.scanUs / scan.jsonParseUs).toFixed(2)}×), bare key regex ${scan.bareRegexUs.toFixed(2)} µs`,
          `keyops CPU: idle ${pct(idle.share)} of a core over ${(idle.wallMs / 1000).toFixed(0)} s; ${load.sent} messages without keys at ${(load.sent / (load.wallMs / 1000)).toFixed(0)}/s over ${(busy.wallMs / 1000).toFixed(0)} s: ${pct(busy.share)} ` +
            `(+${pct(busy.share - idle.share)}, ≈ ${perMessageUs.toFixed(0)} µs of CPU a message, HTTP, signature and Bolt included); ${load.errors} errors${load.errors > 0 ? ` (${Object.entries(load.errorKinds).map(([kind, n]) => `${kind}: ${n}`).join(', ')})` : ''}, ${keysFound} messages with keys, ${slackCalls} Slack calls`,
          `load generator (this process, with the fake Slack): ${pct(load.generatorShare)} of a core, ${load.late} of ${load.sent} sends > 5 ms behind schedule`,
          `one GitHub alert of ${ALERT_BATCH} well-formed tokens keyops never issued: answered in ${median(batchMs).toFixed(0)} ms (median of 3, ${(median(batchMs) / ALERT_BATCH).toFixed(2)} ms a token)`,
          `verify polled back to back: round trip p50 ${median(pastes.pollMs.concat(alerts.pollMs)).toFixed(2)} ms (the resolution); ${WARMUP} warm-up leaks of each kind not counted`,
          `Node ${process.version}, ${cpus().length} cores (${cpus()[0]?.model.trim() ?? 'unknown'}), load average at the end ${loadavg().map((l) => l.toFixed(2)).join(' ')}`,
        ],
      };
    } finally {
      await h.stop();
      await githubKeys.close();
    }
  },
};

async function seed(h: BenchStack, options: { count: number; environment: string }): Promise<Array<SeededKey & { ownerId: string }>> {
  const { policy } = loadPolicy(undefined);
  const made = Array.from({ length: options.count }, (_, i) => {
    const ownerId = `U0LEAKOWN${String(i).padStart(4, '0')}`;
    const { row, seeded } = seedKeyRow({ policy, keyHashSecret: KEY_HASH_SECRET, ownerId, environment: options.environment });
    return { row, seeded: { ...seeded, ownerId } };
  });
  await h.db.apiKey.createMany({ data: made.map((m) => m.row) });
  return made.map((m) => m.seeded);
}

const pct = (share: number): string => `${(share * 100).toFixed(1)}%`;
const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? NaN;

if (require.main === module) void runBenches([leaksBench]);
