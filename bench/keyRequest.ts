/**
 * The self-service journey under load, against the real stack (keyops in its own processes,
 * PostgreSQL, a Temporal dev server) with Slack faked at its API: Slack's view of keyops.
 *
 *   ack of /apikey new           what Slack waits for (hard limit 3,000 ms; target p99 < 100 ms)
 *   ack of the Reveal click      idem
 *   submit → owner's message     modal submitted until chat.postEphemeral reaches Slack (target p95 < 500 ms)
 *
 * RUNS journeys (default 200) by CONCURRENCY people at once (default 50), each journey by its own
 * user, at two paces on the same stack:
 *
 *   people     each person takes FILL_MS (default 2–6 s, uniform) to fill the modal and READ_MS
 *              (0.5–1.5 s) before clicking Reveal, and the people start at random moments within
 *              one journey's length: 50 people requesting keys at the same time.
 *   flat out   no pauses at all, every person starts the next journey the moment the last one
 *              ends. A closed loop with zero think time measures capacity, not latency: with N
 *              journeys always in flight, each takes N / throughput (Little's law), so its
 *              latencies are reported as a stress figure, not against the targets.
 *
 * Each is compared with a baseline measured in the same run: 20 journeys by one person alone.
 * PACE=people|flat-out runs one pace; TOPOLOGY=split|all-in-one one layout.
 */
import { NewKeyBlocks } from '../bot/ids';
import { lifetimeBlockId } from '../bot/views/newKeyModal';
import { runBenches, runConcurrently, type Bench, type BenchReport } from './bench';
import { seededRandom } from './seededRandom';
import { startBenchStack, type BenchStack, type Topology } from './stack';
import { percentile } from './stats';

const RUNS = Number(process.env.RUNS ?? 200);
const CONCURRENCY = Number(process.env.CONCURRENCY ?? 50);
const FILL_MS = range(process.env.FILL_MS ?? '2000-6000');
const READ_MS = range(process.env.READ_MS ?? '500-1500');
const BASELINE_RUNS = 20;

type Pace = 'people' | 'flat-out';
const PACES: Pace[] = process.env.PACE ? [process.env.PACE as Pace] : ['people', 'flat-out'];

/** One bench per layout: production's (bot and worker processes) and `npm start`'s (one process). */
export function keyRequestBench(topology: Topology): Bench {
  return {
    name: topology === 'split' ? 'self-service' : `self-service-${topology}`,
    measures: `the self-service journey, ${RUNS} runs by ${CONCURRENCY} people at once, keyops ${topology === 'split' ? 'as a bot process and a worker process' : 'in one process'}`,
    async run(): Promise<BenchReport> {
      return measureJourneys(topology);
    },
  };
}

export const keyRequestBenches: Bench[] = [keyRequestBench('split'), keyRequestBench('all-in-one')];

interface Samples {
  commandAcks: number[];
  revealAcks: number[];
  submitToMessage: number[];
  revealToKey: number[];
}

async function measureJourneys(topology: Topology): Promise<BenchReport> {
  const h = await startBenchStack({ topology, policyEdit: (yaml) => yaml.replace(/keyRequestsPerUserPerHour: \d+/, 'keyRequestsPerUserPerHour: 100000'), env: { KEY_DISPLAY_SECONDS: '1500' } });
  const report: BenchReport = { series: [], notes: [] };
  try {
    let user = 0;
    // Warm-up: bundles, pools, JIT.
    await runConcurrently(5, 5, async () => journey(h, `U0WARM${String(user++).padStart(5, '0')}`, emptySamples(), noPause));
    // The baseline, in the same run: one person at a time, nothing else going on.
    const alone = emptySamples();
    await runConcurrently(BASELINE_RUNS, 1, async (i) => journey(h, `U0ALONE${String(i).padStart(5, '0')}`, alone, noPause));
    report.series.push({ label: "alone: modal submit → owner's Reveal message", samplesMs: alone.submitToMessage }, { label: 'alone: Reveal click → key shown', samplesMs: alone.revealToKey });
    for (const pace of PACES) {
      const samples = emptySamples();
      const random = seededRandom(42);
      const pause = pace === 'people' ? (r: [number, number]) => sleep(r[0] + random() * (r[1] - r[0])) : noPause;
      const started = Date.now();
      await runConcurrently(RUNS, CONCURRENCY, async (i) => {
        // People arrive at random moments in the first journey's length, not all in one millisecond.
        if (pace === 'people' && i < CONCURRENCY) await sleep(random() * (FILL_MS[1] + READ_MS[1]));
        await journey(h, `U0BENCH${pace === 'people' ? 'P' : 'F'}${String(i).padStart(5, '0')}`, samples, pause);
      });
      const seconds = (Date.now() - started) / 1000;
      const targets = pace === 'people';
      report.series.push(
        { label: `${pace}: ack of /apikey new${targets ? ' (target p99 < 100 ms)' : ''}`, samplesMs: samples.commandAcks },
        { label: `${pace}: ack of the Reveal click`, samplesMs: samples.revealAcks },
        { label: `${pace}: modal submit → owner's Reveal message`, samplesMs: samples.submitToMessage, ...(targets ? { targetP95Ms: 500 } : {}) },
        { label: `${pace}: Reveal click → key shown`, samplesMs: samples.revealToKey },
      );
      const p95 = (samplesMs: number[]): number => percentile([...samplesMs].sort((a, b) => a - b), 95);
      report.notes?.push(
        `${pace}: p95 submit → message ${(p95(samples.submitToMessage) / p95(alone.submitToMessage)).toFixed(1)}× and click → key ${(p95(samples.revealToKey) / p95(alone.revealToKey)).toFixed(1)}× the baseline's (one person alone)`,
        pace === 'people'
          ? `people: ${RUNS} journeys in ${seconds.toFixed(1)} s (${(RUNS / seconds).toFixed(1)}/s), filling the modal ${FILL_MS.join('–')} ms, reading ${READ_MS.join('–')} ms`
          : `flat out: ${RUNS} journeys in ${seconds.toFixed(1)} s, a capacity of ${(RUNS / seconds).toFixed(1)} journeys/s; ${CONCURRENCY} in flight / that rate = ${((CONCURRENCY * seconds) / RUNS).toFixed(1)} s per journey`,
      );
    }
    return report;
  } finally {
    await h.stop();
  }
}

/** One person's journey: /apikey new, fill and submit the modal, click Reveal, see the key. */
async function journey(h: BenchStack, userId: string, samples: Samples, pause: (r: [number, number]) => Promise<void>): Promise<void> {
  const command = await h.driver.sendCommand({ userId, channelId: 'C0BENCH', text: 'new' });
  samples.commandAcks.push(command.elapsedMs);
  const view = await h.fake.waitFor(() => h.fake.openViewFor(userId), { timeoutMs: 30_000 });
  await pause(FILL_MS);
  const submittedAt = Date.now();
  await h.driver.submitView({
    userId,
    view,
    values: { [NewKeyBlocks.name]: `bench ${userId}`, [NewKeyBlocks.environment]: 'test', [NewKeyBlocks.scopes]: ['read'], [lifetimeBlockId('test')]: '30d' },
  });
  const offer = await h.fake.waitFor(() => h.fake.ephemeralMessages({ userId }).find((m) => m.text.includes('Reveal it once')), { timeoutMs: 30_000 });
  const posted = h.fake.callsTo('chat.postEphemeral').find((c) => c.args.user === userId);
  samples.submitToMessage.push((posted?.at ?? Date.now()) - submittedAt);

  await pause(READ_MS);
  const clickedAt = Date.now();
  const click = await h.driver.clickButtonInMessage({ userId, message: offer, actionText: 'Reveal key' });
  samples.revealAcks.push(click.elapsedMs);
  await h.fake.waitFor(() => h.fake.ephemeralMessages({ userId }).find((m) => m.id === offer.id && m.text.includes('shown only once')), { timeoutMs: 30_000 });
  const shown = h.fake.responses.find((r) => r.url === click.responseUrl);
  samples.revealToKey.push((shown?.at ?? Date.now()) - clickedAt);
}

const emptySamples = (): Samples => ({ commandAcks: [], revealAcks: [], submitToMessage: [], revealToKey: [] });
const noPause = async (): Promise<void> => undefined;
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

function range(text: string): [number, number] {
  const [low, high = low] = text.split('-').map(Number) as [number, number?];
  if (!Number.isFinite(low) || !Number.isFinite(high) || high < low) throw new Error(`not a range of milliseconds: "${text}" (e.g. 2000-6000)`);
  return [low, high];
}

if (require.main === module) void runBenches(process.env.TOPOLOGY ? [keyRequestBench(process.env.TOPOLOGY as Topology)] : keyRequestBenches);
