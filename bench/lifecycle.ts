/**
 * Key lifecycles at scale, against the real stack (keyops in its own process, PostgreSQL, a
 * Temporal dev server; Slack faked at its API):
 *
 *   start rate      10,000 active keys in the store and no lifecycle workflows: keyops starts,
 *                   and its start-up reconciliation starts one lifecycle per key; the rate is
 *                   what reconciliation reports (starts per second)
 *   worker memory   resident memory of the keyops process (bot, API and worker in one), idle with
 *                   an empty store, then once all 10,000 workflows have run their first task and
 *                   wait on their timers
 *   /apikey list    for an owner with 500 keys: the ack Slack waits for, the command until the
 *                   page reaches Slack, and a Next click until the next page replaces it
 *
 * KEYS (default 10000) and LIST_KEYS (default 500) change the sizes.
 */
import { seedKeyRow } from '../test/support/seedKeys';
import { loadPolicy } from '../config/policyFile';
import { keyLifecycleWorkflowId, lifecycleQuery } from '../workflows/keyLifecycle';
import { runBenches, type Bench, type BenchReport } from './bench';
import { memoryOf, settle as settleProcess } from './processStats';
import { KEY_HASH_SECRET, startBenchStack, type BenchStack } from './stack';

const KEYS = Number(process.env.KEYS ?? 10_000);
const LIST_KEYS = Number(process.env.LIST_KEYS ?? 500);
const LIST_RUNS = Number(process.env.LIST_RUNS ?? 50);
const LIST_OWNER = 'U0BENCHLIST';
const DAY = 86_400_000;

export const lifecycleBench: Bench = {
  name: 'lifecycle',
  measures: `lifecycle workflows for ${KEYS} active keys started at start-up, keyops's memory, and /apikey list for an owner with ${LIST_KEYS} keys`,
  async run(): Promise<BenchReport> {
    return measureLifecycles();
  },
};

async function measureLifecycles(): Promise<BenchReport> {
  const h = await startBenchStack({ env: process.env.KEYOPS_NODE_OPTIONS ? { NODE_OPTIONS: process.env.KEYOPS_NODE_OPTIONS } : {} });
  try {
    await settle(h);
    const idle = memory(h);
    const seeded = await seed(h);

    const restartedAt = Date.now();
    await h.restartKeyops();
    const reconciled = await waitForLog(h, 'key lifecycles reconciled', 900_000);
    const result = JSON.parse(reconciled) as { activeKeys: number; started: number; alreadyRunning: number; failed: number; ms: number };
    await settle(h);
    const settledMs = Date.now() - restartedAt;
    const loaded = memory(h);
    const running = await h.temporal.client.workflow.count(`WorkflowType = 'keyLifecycleWorkflow' AND ExecutionStatus = 'Running'`);
    const sample = await sampleStates(h, 20);
    const list = await measureList(h);
    return {
      series: list,
      notes: [
        `${seeded} active keys, no lifecycle workflows; keyops restarted: its start-up reconciliation started ${result.started} in ${(result.ms / 1000).toFixed(1)} s = ${(result.started / (result.ms / 1000)).toFixed(0)} starts/s (${result.failed} failed, ${result.alreadyRunning} already running)`,
        `running lifecycles (visibility): ${running.count}; sampled ${sample.asked}: ${sample.parked} had read their key and waited on a timer`,
        `every first workflow task done ${(settledMs / 1000).toFixed(0)} s after the restart (keyops start-up included)`,
        `keyops process RSS (bot, API and worker in one): idle with an empty store ${mb(idle.rss)} MB; with ${result.started} lifecycles ${mb(loaded.rss)} MB (peak ${mb(loaded.peak)} MB)`,
      ],
    };
  } finally {
    await h.stop();
  }
}

async function seed(h: BenchStack): Promise<number> {
  const { policy } = loadPolicy(undefined);
  const now = new Date();
  const rows = Array.from({ length: KEYS }, (_, i) => {
    const ownerId = i < LIST_KEYS ? LIST_OWNER : `U0OWNER${String(i % 1000).padStart(4, '0')}`;
    // In use, and expiring 30-90 days out: no timer is due, each workflow parks after loading.
    const expiresAt = new Date(now.getTime() + (30 + (i % 60)) * DAY);
    return seedKeyRow({ policy, keyHashSecret: KEY_HASH_SECRET, ownerId, name: `bench key ${i}`, expiresAt, lastUsedAt: now, now }).row;
  });
  for (let i = 0; i < rows.length; i += 1000) await h.db.apiKey.createMany({ data: rows.slice(i, i + 1000) });
  return rows.length;
}

async function measureList(h: BenchStack): Promise<BenchReport['series']> {
  const acks: number[] = [];
  const toSlack: number[] = [];
  const nextPage: number[] = [];
  for (let i = 0; i < LIST_RUNS + 3; i++) {
    const sentAt = Date.now();
    const command = await h.driver.sendCommand({ userId: LIST_OWNER, channelId: 'C0BENCH', text: 'list' });
    const shown = await h.fake.waitFor(() => h.fake.responses.find((r) => r.url === command.responseUrl), { timeoutMs: 30_000 });
    if (i < 3) continue; // warm-up
    acks.push(command.elapsedMs);
    toSlack.push(shown.at - sentAt);
  }
  const message = h.fake.ephemeralMessages({ userId: LIST_OWNER }).slice(-1)[0];
  let forward = true;
  for (let i = 0; message && i < 20; i++) {
    const edits = message.history.length;
    const labels = JSON.stringify(message.blocks);
    if (!labels.includes('"Next"')) forward = false;
    if (!labels.includes('"Previous"')) forward = true;
    const clickedAt = Date.now();
    await h.driver.clickButtonInMessage({ userId: LIST_OWNER, message, actionText: forward ? 'Next' : 'Previous' });
    await h.fake.waitFor(() => message.history.length > edits, { timeoutMs: 30_000 });
    nextPage.push((message.history[message.history.length - 1]?.at ?? Date.now()) - clickedAt);
  }
  return [
    { label: `/apikey list (${LIST_KEYS} keys): command to first page at Slack`, samplesMs: toSlack },
    { label: 'ack of /apikey list', samplesMs: acks, targetP95Ms: 3000 },
    { label: 'Next/Previous click to the page replaced', samplesMs: nextPage },
  ];
}

async function sampleStates(h: BenchStack, n: number): Promise<{ asked: number; parked: number }> {
  const ids = await h.db.apiKey.findMany({ where: { status: 'ACTIVE' }, select: { id: true }, take: n, orderBy: { id: 'desc' } });
  let parked = 0;
  for (const { id } of ids) {
    const state = await h.temporal.client.workflow.getHandle(keyLifecycleWorkflowId(id)).query(lifecycleQuery);
    if (state.facts?.status === 'ACTIVE' && state.next !== null) parked += 1;
  }
  return { asked: ids.length, parked };
}

async function waitForLog(h: BenchStack, text: string, timeoutMs: number): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const line = h.keyops.logs.find((l) => l.includes(text));
    if (line) return line;
    if (Date.now() > deadline) throw new Error(`no "${text}" in keyops's logs after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

const memory = (h: BenchStack): { rss: number; peak: number } => memoryOf(h.keyops.child.pid as number);
const settle = (h: BenchStack): Promise<void> => settleProcess(h.keyops.child.pid as number);

const mb = (bytes: number): string => (bytes / 1024 / 1024).toFixed(0);

if (require.main === module) void runBenches([lifecycleBench]);
