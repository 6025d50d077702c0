/**
 * The self-service journey under load, against the real stack (keyops in its own process,
 * PostgreSQL, a Temporal dev server) with Slack faked at its API: Slack's view of keyops.
 *
 *   ack of /apikey new           what Slack waits for (hard limit 3,000 ms; target p99 < 100 ms)
 *   ack of the Reveal click      idem
 *   submit → owner's message     modal submitted until chat.postEphemeral reaches Slack (target p95 < 500 ms)
 *
 * Runs RUNS journeys (default 200), CONCURRENCY at a time (default 50), each by its own user.
 */
import { NewKeyBlocks } from '../bot/ids';
import { lifetimeBlockId } from '../bot/views/newKeyModal';
import { runBenches, runConcurrently, type Bench, type BenchReport } from './bench';
import { startBenchStack, type Topology } from './stack';

const RUNS = Number(process.env.RUNS ?? 200);
const CONCURRENCY = Number(process.env.CONCURRENCY ?? 50);

/** One bench per layout: production's (bot and worker processes) and `npm start`'s (one process). */
export function keyRequestBench(topology: Topology): Bench {
  return {
    name: `self-service (${topology})`,
    measures: `the self-service journey, ${RUNS} runs with ${CONCURRENCY} at a time, keyops ${topology === 'split' ? 'as a bot process and a worker process' : 'in one process'}`,
    async run(): Promise<BenchReport> {
      return measureJourneys(topology);
    },
  };
}

export const keyRequestBenches: Bench[] = [keyRequestBench('split'), keyRequestBench('all-in-one')];

async function measureJourneys(topology: Topology): Promise<BenchReport> {
  const h = await startBenchStack({ topology, policyEdit: (yaml) => yaml.replace(/keyRequestsPerUserPerHour: \d+/, 'keyRequestsPerUserPerHour: 100000'), env: { KEY_DISPLAY_SECONDS: '1500' } });
  const commandAcks: number[] = [];
  const revealAcks: number[] = [];
  const submitToMessage: number[] = [];
  const revealToKey: number[] = [];
  try {
    const journey = async (i: number): Promise<void> => {
      const userId = `U0BENCH${String(i).padStart(5, '0')}`;
      const command = await h.driver.sendCommand({ userId, channelId: 'C0BENCH', text: 'new' });
      commandAcks.push(command.elapsedMs);
      const view = await h.fake.waitFor(() => h.fake.openViewFor(userId), { timeoutMs: 30_000 });
      const submittedAt = Date.now();
      await h.driver.submitView({
        userId,
        view,
        values: { [NewKeyBlocks.name]: `bench ${i}`, [NewKeyBlocks.environment]: 'test', [NewKeyBlocks.scopes]: ['read'], [lifetimeBlockId('test')]: '30d' },
      });
      const offer = await h.fake.waitFor(() => h.fake.ephemeralMessages({ userId }).find((m) => m.text.includes('Reveal it once')), { timeoutMs: 30_000 });
      const posted = h.fake.callsTo('chat.postEphemeral').find((c) => c.args.user === userId);
      submitToMessage.push((posted?.at ?? Date.now()) - submittedAt);

      const clickedAt = Date.now();
      const click = await h.driver.clickButtonInMessage({ userId, message: offer, actionText: 'Reveal key' });
      revealAcks.push(click.elapsedMs);
      await h.fake.waitFor(() => h.fake.ephemeralMessages({ userId }).find((m) => m.id === offer.id && m.text.includes('shown only once')), { timeoutMs: 30_000 });
      const shown = h.fake.responses.find((r) => r.url === click.responseUrl);
      revealToKey.push((shown?.at ?? Date.now()) - clickedAt);
    };
    await runConcurrently(5, 5, async (i) => journey(RUNS + i)); // warm-up: bundles, pools, JIT
    commandAcks.length = revealAcks.length = submitToMessage.length = revealToKey.length = 0;
    const started = Date.now();
    await runConcurrently(RUNS, CONCURRENCY, journey);
    const seconds = (Date.now() - started) / 1000;

    return {
      series: [
        { label: 'ack of /apikey new (target p99 < 100 ms)', samplesMs: commandAcks },
        { label: 'ack of the Reveal click', samplesMs: revealAcks },
        { label: "modal submit → owner's Reveal message", samplesMs: submitToMessage, targetP95Ms: 500 },
        { label: 'Reveal click → key shown', samplesMs: revealToKey },
      ],
      notes: [`${RUNS} journeys in ${seconds.toFixed(1)} s (${(RUNS / seconds).toFixed(1)}/s)`],
    };
  } finally {
    await h.stop();
  }
}

if (require.main === module) void runBenches(process.env.TOPOLOGY ? [keyRequestBench(process.env.TOPOLOGY as Topology)] : keyRequestBenches);
