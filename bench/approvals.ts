/**
 * Approvals: how long a requester waits after an approver clicks Approve. Timed from the click to
 * the moment the fake Slack receives the requester's "Reveal key" message (its own receipt time,
 * not a poll), one request at a time, against real keyops: Bolt app, worker, PostgreSQL and a local
 * Temporal dev server. The path: Bolt ack → group check → workflow update (validator, handler,
 * decision record) → outcome record → pending key → Reveal offer.
 *
 *   tsx bench/approvals.ts            (BENCH_APPROVALS_REQUESTS=120 by default)
 */
import { cpus } from 'node:os';
import { approverMessage, askForKey, revealOffer } from '../test/support/approvalJourney';
import { startHarness } from '../test/support/keyopsHarness';
import { runBenches, type Bench, type BenchReport } from './bench';

const REQUESTS = Number(process.env.BENCH_APPROVALS_REQUESTS ?? 120);
/** The first requests pay for cold caches (workflow bundle, connections): not counted. */
const WARMUP = 5;
const APPROVER = 'U0BENCHAPPROVER';

export const approvalsBench: Bench = {
  name: 'approvals',
  measures: "Approve click → the requester's Reveal key message (one request at a time)",
  async run(): Promise<BenchReport> {
    const h = await startHarness({ freshDatabase: true, usergroups: { S0PLATFORM: [APPROVER] }, logLevel: 'info' });
    const toReveal: number[] = [];
    const toAnswer: number[] = [];
    const toUpdate: number[] = [];
    try {
      for (let i = 0; i < WARMUP + REQUESTS; i++) {
        const requester = `U0BENCH${String(i).padStart(4, '0')}`;
        const name = `Bench ${i}`;
        const requestId = await askForKey(h, { userId: requester, name });
        const message = await approverMessage(h, APPROVER, requestId);
        const clickedAt = h.fake.now();
        await h.driver.clickButtonInMessage({ userId: APPROVER, message, actionText: 'Approve' });
        const offer = await revealOffer(h, requester);
        const answer = await h.fake.waitFor(() => h.fake.ephemeralMessages({ userId: APPROVER }).find((m) => m.text.includes(`"${name}"`)));
        const updated = await h.fake.waitFor(() => (message.history.length > 1 ? message.history[1] : undefined));
        if (i < WARMUP) continue;
        toReveal.push((offer.history[0]?.at ?? Number.NaN) - clickedAt);
        toAnswer.push((answer.history[0]?.at ?? Number.NaN) - clickedAt);
        toUpdate.push(updated.at - clickedAt);
      }
    } finally {
      await h.stop();
    }
    return {
      series: [
        { label: "click → requester's Reveal key message", samplesMs: toReveal, targetP95Ms: 300 },
        { label: "click → approver's ephemeral answer", samplesMs: toAnswer },
        { label: "click → approver's message updated in place", samplesMs: toUpdate },
      ],
      notes: [`${REQUESTS} requests after ${WARMUP} warm-up ones; Node ${process.version}, ${cpus().length} cores (shared)`],
    };
  },
};

if (require.main === module) void runBenches([approvalsBench]);
