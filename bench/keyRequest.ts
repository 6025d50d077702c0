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
import { startBenchStack } from './stack';
import { formatSummary, runConcurrently } from './stats';

const RUNS = Number(process.env.RUNS ?? 200);
const CONCURRENCY = Number(process.env.CONCURRENCY ?? 50);

export async function benchKeyRequest(): Promise<void> {
  const h = await startBenchStack({ policyEdit: (yaml) => yaml.replace(/keyRequestsPerUserPerHour: \d+/, 'keyRequestsPerUserPerHour: 100000'), env: { KEY_DISPLAY_SECONDS: '1500' } });
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

    console.log(`\nself-service journey: ${RUNS} runs, ${CONCURRENCY} concurrent, ${seconds.toFixed(1)} s (${(RUNS / seconds).toFixed(1)} journeys/s)`);
    console.log(formatSummary('ack /apikey new', commandAcks));
    console.log(formatSummary('ack Reveal click', revealAcks));
    console.log(formatSummary('modal submit → owner\'s Reveal message', submitToMessage));
    console.log(formatSummary('Reveal click → key shown', revealToKey));
  } finally {
    await h.stop();
  }
}

if (require.main === module) {
  benchKeyRequest().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
