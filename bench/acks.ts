/**
 * Acks under load: how fast a slash command is acked when many arrive at once, which is what a
 * person feels (Slack's limit is 3 s). One run, four targets side by side, taking turns:
 *
 *   ceiling     a trivial HTTP server: what the load generator itself can measure
 *   baseline    a bare Bolt app that acks and answers from memory (bench/ackBaseline.ts)
 *   all-in-one  keyops as `npm start` runs it: dist/bin/keyops.js, every role in one process
 *   split       keyops as production runs it: worker, api and bot processes (Slack reaches the bot)
 *
 * Each burst is ACK_COMMANDS (50) signed slash commands sent at once from a separate process
 * (bench/ackBurst.ts), half `/apikey list` and half `/apikey help`, from three people who have
 * keys; a burst ends when every list answer reached the fake Slack's response_url. A round is
 * ACK_BURSTS (2) bursts per target, the targets taking turns burst by burst; ACK_ROUNDS (9)
 * rounds, the targets' order rotating, so that drifting load on a shared machine affects them alike. Reported: the median over rounds of each
 * round's p50/p95/p99, and of each round's p99(keyops) / p99(baseline) (target ≤ 1.5).
 * The two layouts share one Temporal dev server (each its own namespace) and one fake Slack, and
 * each has its own database. BENCH_NODE_ARGS profiles the keyops processes (see bench/stack.ts).
 */
import { fork, spawnSync, type ChildProcess } from 'node:child_process';
import { appendFileSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { loadPolicy } from '../config/policyFile';
import { createSlackDriver, startFakeSlack, type FakeSlack, type SignedRequest } from '../playground/slack';
import { seedKeys } from '../test/support/seedKeys';
import { createDevServerEnv } from '../test/support/temporal';
import type { ReferenceServers } from './ackBaseline';
import type { BurstAnswer, BurstMessage } from './ackBurst';
import { runBenches, type Bench, type BenchReport } from './bench';
import { KEY_HASH_SECRET, SIGNING_SECRET, startBenchStack, type BenchStack } from './stack';
import { percentile, table } from './stats';

const setting = (name: string, fallback: number): number => {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isInteger(value) || value <= 0) throw new Error(`${name} must be a positive whole number`);
  return value;
};
const ROUNDS = setting('ACK_ROUNDS', 9);
const BURSTS = setting('ACK_BURSTS', 2);
const COMMANDS = setting('ACK_COMMANDS', 50);
const PAUSE_MS = setting('ACK_PAUSE_MS', 250);
const KEYS_PER_PERSON = 6;
const PEOPLE = ['U0ACKER01', 'U0ACKER02', 'U0ACKER03'];
const CHANNEL = 'C0ACKS';
const SPLIT_NAMESPACE = 'keyops-split';
const RATIO_TARGET = 1.5;

type TargetName = 'ceiling' | 'baseline' | 'all-in-one' | 'split';
const TARGETS: TargetName[] = ['ceiling', 'baseline', 'all-in-one', 'split'];

interface Target {
  name: TargetName;
  /** Where Slack's requests go. */
  url: string;
  /** A Slack app that answers (the trivial server only says 200). */
  answers: boolean;
  /** Its processes, whose CPU time each burst costs is read from /proc. */
  pids: number[];
}

/** What one round measured of a target: every ack, and the CPU its processes spent per burst. */
interface RoundSamples {
  acks: number[];
  cpuMs: number[];
}

export const acksBench: Bench = {
  name: 'acks',
  measures: `ack of ${COMMANDS} slash commands sent at once (half /apikey list, half /apikey help, ${PEOPLE.length} people), ${ROUNDS} rounds of ${BURSTS} bursts, keyops's two layouts against a bare Bolt app in the same run`,
  run: measureAcks,
};

async function measureAcks(): Promise<BenchReport> {
  buildKeyops();
  const loadAtStart = os.loadavg();
  const fake = await startFakeSlack();
  const temporal = await createDevServerEnv({ namespaces: [SPLIT_NAMESPACE] });
  const shared = { fake, temporal };
  const stacks: BenchStack[] = [];
  const children: ChildProcess[] = [];
  try {
    const allInOne = await startBenchStack({ topology: 'all-in-one', fromDist: true, shared });
    stacks.push(allInOne);
    const split = await startBenchStack({ topology: 'split', splitRoles: ['worker', 'api', 'bot'], fromDist: true, shared, env: { TEMPORAL_NAMESPACE: SPLIT_NAMESPACE } });
    stacks.push(split);
    const { policy } = loadPolicy(path.resolve(__dirname, '..', 'policy.example.yaml'));
    for (const stack of stacks) {
      await seedKeys(stack.db, { policy, keyHashSecret: KEY_HASH_SECRET, keys: PEOPLE.flatMap((ownerId) => Array.from({ length: KEYS_PER_PERSON }, () => ({ ownerId }))) });
    }
    const reference = await startReferenceServers(fake, children);
    const loadgen = startBurstGenerator(children);
    const pidsOf = (stack: BenchStack): number[] => stack.processes().map((p) => p.child.pid as number);
    const targets: Record<TargetName, Target> = {
      ceiling: { name: 'ceiling', url: reference.trivial, answers: false, pids: [reference.pid] },
      baseline: { name: 'baseline', url: reference.baseline, answers: true, pids: [reference.pid] },
      'all-in-one': { name: 'all-in-one', url: allInOne.url, answers: true, pids: pidsOf(allInOne) },
      split: { name: 'split', url: split.url, answers: true, pids: pidsOf(split) },
    };
    const burst = (target: Target) => runBurst({ fake, target, fire: loadgen });

    // Warm-up: JIT, connection pools, the membership cache.
    for (const name of TARGETS) for (let i = 0; i < 2; i++) await burst(targets[name]);

    const rounds: Array<Record<TargetName, RoundSamples>> = [];
    for (let round = 0; round < ROUNDS; round++) {
      const samples = Object.fromEntries(TARGETS.map((name) => [name, { acks: [], cpuMs: [] }])) as unknown as Record<TargetName, RoundSamples>;
      const order = TARGETS.map((_, i) => TARGETS[(i + round) % TARGETS.length] as TargetName);
      // Burst by burst, the targets taking turns: load that comes and goes meets them all alike.
      for (let b = 0; b < BURSTS; b++) {
        for (const name of order) {
          const cpuBefore = cpuMsOf(targets[name].pids);
          samples[name].acks.push(...(await burst(targets[name])));
          samples[name].cpuMs.push(cpuMsOf(targets[name].pids) - cpuBefore);
          await sleep(PAUSE_MS);
        }
      }
      rounds.push(samples);
      process.stderr.write(`  acks: round ${round + 1}/${ROUNDS} done (load average ${loadText()})\n`);
    }
    return reportOf(rounds, loadAtStart);
  } finally {
    for (const child of children) child.kill('SIGTERM');
    for (const stack of stacks.reverse()) await stack.stop();
    await fake.close();
    await temporal.teardown();
  }
}

/** One burst: every command at once; resolves with the ack times once every answer has arrived. */
async function runBurst(options: { fake: FakeSlack; target: Target; fire: (requests: SignedRequest[]) => Promise<BurstAnswer[]> }): Promise<number[]> {
  const { fake, target } = options;
  const driver = createSlackDriver({ fake, url: `${target.url}/slack/events`, signingSecret: SIGNING_SECRET });
  const commands = Array.from({ length: COMMANDS }, (_, i) => ({ text: i % 2 === 0 ? 'list' : 'help', ...driver.signedCommand({ userId: PEOPLE[i % PEOPLE.length] as string, channelId: CHANNEL, text: i % 2 === 0 ? 'list' : 'help' }) }));
  const answers = await options.fire(commands.map(({ url, body, headers }) => ({ url, body, headers })));
  answers.forEach((answer, i) => {
    if (answer.status !== 200) throw new Error(`${target.name}: command ${i} answered ${answer.status}: ${answer.body.slice(0, 200)}`);
    if (target.answers && commands[i]?.text === 'help' && !answer.body.includes('keyops manages API keys')) throw new Error(`${target.name}: /apikey help acked without the help: ${answer.body.slice(0, 200)}`);
  });
  if (target.answers) {
    const lists = commands.filter((c) => c.text === 'list').map((c) => c.responseUrl);
    await fake.waitFor(() => lists.every((url) => fake.responses.some((r) => r.url === url)) || undefined, { timeoutMs: 60_000 });
  }
  // ACK_TRACE=<file>: every burst's acks, in sending order with their command, for a closer look.
  if (process.env.ACK_TRACE) appendFileSync(process.env.ACK_TRACE, `${JSON.stringify({ target: target.name, at: Date.now(), acks: answers.map((a, i) => [commands[i]?.text, Math.round(a.elapsedMs)]) })}\n`);
  return answers.map((a) => a.elapsedMs);
}

function reportOf(rounds: Array<Record<TargetName, RoundSamples>>, loadAtStart: number[]): BenchReport {
  const sorted = (xs: number[]): number[] => [...xs].sort((a, b) => a - b);
  const perRound = (name: TargetName, p: number): number[] => rounds.map((r) => percentile(sorted(r[name].acks), p));
  const ratios = (name: TargetName): number[] => rounds.map((r) => percentile(sorted(r[name].acks), 99) / percentile(sorted(r.baseline.acks), 99));
  const rows = TARGETS.map((name) => {
    const ratio = name === 'ceiling' || name === 'baseline' ? '' : median(ratios(name)).toFixed(2);
    const cpuPerCommand = median(rounds.flatMap((r) => r[name].cpuMs)) / COMMANDS;
    return [name, ...[50, 95, 99].map((p) => median(perRound(name, p)).toFixed(1)), ratio, cpuPerCommand.toFixed(2)];
  });
  const notes = [
    `node ${process.version}, ${os.cpus().length} cores; load average ${loadAtStart.map((l) => l.toFixed(2)).join(' ')} at the start, ${loadText()} at the end`,
    `medians over ${rounds.length} rounds of each round's percentile (${BURSTS * COMMANDS} acks per target a round); CPU: the target's processes, user + system, per command of a burst (a burst's CPU includes the list answers after the acks):`,
    ...table(['target', 'p50 ms', 'p95 ms', 'p99 ms', 'p99 / baseline p99', 'CPU ms/command'], rows).split('\n'),
  ];
  for (const name of ['all-in-one', 'split'] as const) {
    const each = ratios(name);
    const ratio = median(each);
    notes.push(`${name}: ack p99 ${ratio.toFixed(2)}× the baseline's (rounds: ${each.map((r) => r.toFixed(2)).join(', ')}): ${ratio <= RATIO_TARGET ? 'meets' : 'MISSES'} the ${RATIO_TARGET}× target`);
  }
  notes.push(`load generator ceiling: p99 ${median(perRound('ceiling', 99)).toFixed(1)} ms against a trivial HTTP server; differences below that are the generator's, not the server's`);
  return {
    series: TARGETS.map((name) => ({ label: `${name}: ack (all rounds pooled)`, samplesMs: rounds.flatMap((r) => r[name].acks) })),
    notes,
  };
}

/** `npm start`'s build (prisma generate, tsc), skipped when nothing changed: keyops runs from dist/. */
function buildKeyops(): void {
  const built = spawnSync(process.execPath, [path.resolve(__dirname, '..', 'scripts', 'build.js')], { stdio: ['ignore', 'inherit', 'inherit'] });
  if (built.status !== 0) throw new Error(`npm run build failed (${built.status})`);
}

async function startReferenceServers(fake: FakeSlack, children: ChildProcess[]): Promise<ReferenceServers & { pid: number }> {
  // BENCH_NODE_ARGS (e.g. --cpu-prof) applies to the baseline too, so that profiles compare.
  const nodeArgs = process.env.BENCH_NODE_ARGS?.split(/\s+/).filter(Boolean) ?? [];
  const child = fork(path.join(__dirname, 'ackBaseline.ts'), [], {
    execArgv: [...nodeArgs, '--import', 'tsx'],
    stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
    env: { ...process.env, ACK_SIGNING_SECRET: SIGNING_SECRET, ACK_BOT_TOKEN: fake.botToken, ACK_SLACK_API_URL: fake.apiUrl, ACK_KEYS_PER_PERSON: String(KEYS_PER_PERSON) },
  });
  children.push(child);
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`the baseline process exited with ${code}`)));
    readline.createInterface({ input: child.stdout as NodeJS.ReadableStream }).once('line', (line) => resolve({ ...(JSON.parse(line) as ReferenceServers), pid: child.pid as number }));
  });
}

function startBurstGenerator(children: ChildProcess[]): (requests: SignedRequest[]) => Promise<BurstAnswer[]> {
  const child = fork(path.join(__dirname, 'ackBurst.ts'), [], { execArgv: ['--import', 'tsx'], stdio: 'inherit' });
  children.push(child);
  return (requests) =>
    new Promise((resolve, reject) => {
      const onExit = (code: number | null): void => reject(new Error(`the load generator exited with ${code}`));
      child.once('exit', onExit);
      child.once('message', (answers) => {
        child.off('exit', onExit);
        resolve(answers as BurstAnswer[]);
      });
      child.send({ type: 'burst', requests } satisfies BurstMessage);
    });
}

/** The middle value (the mean of the two middle ones for an even count). */
function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

/** CPU time (user + system, all threads) the processes have used so far, from /proc (Linux). */
function cpuMsOf(pids: readonly number[]): number {
  const ticksPerMs = 100 / 1000; // USER_HZ is 100 on Linux
  let ticks = 0;
  for (const pid of pids) {
    try {
      // Fields after the command's closing parenthesis: utime and stime are the 12th and 13th.
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
      ticks += Number(fields[11]) + Number(fields[12]);
    } catch {
      return NaN;
    }
  }
  return ticks / ticksPerMs;
}

const loadText = (): string => os.loadavg().map((l) => l.toFixed(2)).join(' ');
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

if (require.main === module) void runBenches([acksBench]);
