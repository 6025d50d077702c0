/**
 * The stack a benchmark measures: keyops as its own process (bin/keyops.ts, all roles, exactly as
 * `npm start` runs it with DATABASE_URL and TEMPORAL_ADDRESS set) against a fresh PostgreSQL
 * database and a Temporal dev server, with Slack faked at its API in the benchmark's process.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { createDb, type Db } from '../db/client';
import { createTestDatabase, type TestDatabase } from '../test/support/databases';
import { createSlackDriver, startFakeSlack, type FakeSlack, type SlackDriver } from '../playground/slack';
import { spawnKeyops, type KeyopsProcess } from '../test/support/keyopsProcess';
import { createDevServerEnv } from '../test/support/temporal';

export const SIGNING_SECRET = 'bench-signing-secret';
export const VERIFY_TOKEN = 'bench-verify-token-0123456789';
export const KEY_HASH_SECRET = 'bench-key-hash-secret-0123456789abcdef';

export interface BenchStack {
  url: string;
  fake: FakeSlack;
  driver: SlackDriver;
  db: Db;
  /** The process serving HTTP (all of keyops, or the bot when split). */
  keyops: KeyopsProcess;
  /** Every keyops process of the stack, in start order. */
  processes(): readonly KeyopsProcess[];
  temporal: TestWorkflowEnvironment;
  /** Stops keyops and starts it again (same database, Temporal and fake Slack): a deploy. */
  restartKeyops(): Promise<KeyopsProcess>;
  stop(): Promise<void>;
}

export type Topology = 'all-in-one' | 'split';

export interface BenchStackOptions {
  /** Rewrites the example policy's YAML text (e.g. to lift the creation rate limit). */
  policyEdit?: (yaml: string) => string;
  env?: Record<string, string>;
  /** keyops as `npm start` runs it (one process), or as production runs it (split). */
  topology?: Topology;
  /** The split layout's processes, in start order, the last serving Slack (default worker, bot). */
  splitRoles?: ReadonlyArray<'worker' | 'api' | 'bot'>;
  /** Run the build (dist/, as `npm start` does) instead of the sources through tsx. */
  fromDist?: boolean;
  /** A Temporal server and fake Slack that another stack uses too: stop() leaves them running. */
  shared?: { temporal: TestWorkflowEnvironment; fake: FakeSlack };
}

export async function startBenchStack(options: BenchStackOptions = {}): Promise<BenchStack> {
  const database: TestDatabase = await createTestDatabase({ fromTemplate: false });
  const temporal: TestWorkflowEnvironment = options.shared?.temporal ?? (await createDevServerEnv());
  const fake = options.shared?.fake ?? (await startFakeSlack());
  const owned = options.shared === undefined;
  const dir = mkdtempSync(path.join(tmpdir(), 'keyops-bench-'));
  const policyFile = path.join(dir, 'policy.yaml');
  const example = readFileSync(path.resolve(__dirname, '..', 'policy.example.yaml'), 'utf8');
  writeFileSync(policyFile, options.policyEdit ? options.policyEdit(example) : example);
  const env = {
    PORT: '0',
    DATABASE_URL: database.url,
    TEMPORAL_ADDRESS: temporal.address,
    SLACK_BOT_TOKEN: fake.botToken,
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_API_URL: fake.apiUrl,
    KEY_HASH_SECRET,
    VERIFY_API_TOKEN: VERIFY_TOKEN,
    POLICY_FILE: policyFile,
    KEYOPS_DATA_DIR: dir,
    ...options.env,
  };
  // BENCH_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" profiles keyops during a bench.
  const nodeArgs = process.env.BENCH_NODE_ARGS?.split(/\s+/).filter(Boolean) ?? [];
  const topology = options.topology ?? 'all-in-one';
  // Split: production's layout, a worker process (it migrates, so it starts first) and a bot
  // process that serves Slack; the benchmark talks to the bot.
  const entries = topology === 'all-in-one' ? (['keyops'] as const) : (options.splitRoles ?? (['worker', 'bot'] as const));
  const start = async (): Promise<KeyopsProcess[]> => {
    const started: KeyopsProcess[] = [];
    try {
      for (const entry of entries) started.push(await spawnKeyops({ entry, env, nodeArgs, fromDist: options.fromDist }));
      return started;
    } catch (error) {
      for (const p of started.reverse()) await p.stop();
      throw error;
    }
  };
  let processes: KeyopsProcess[];
  try {
    processes = await start();
  } catch (error) {
    // Nothing else holds these yet: without this, a failed start leaves the bench hanging.
    if (owned) await fake.close();
    if (owned) await temporal.teardown();
    await database.drop();
    throw error;
  }
  let keyops = processes[processes.length - 1] as KeyopsProcess;
  const db = createDb({ databaseUrl: database.url, maxConnections: 4 });
  const stack: BenchStack = {
    url: keyops.url,
    fake,
    driver: createSlackDriver({ fake, url: `${keyops.url}/slack/events`, signingSecret: SIGNING_SECRET }),
    db,
    keyops,
    temporal,
    processes: () => processes,
    async restartKeyops() {
      for (const p of [...processes].reverse()) await p.stop();
      processes = await start();
      keyops = processes[processes.length - 1] as KeyopsProcess;
      stack.keyops = keyops;
      stack.url = keyops.url;
      stack.driver = createSlackDriver({ fake, url: `${keyops.url}/slack/events`, signingSecret: SIGNING_SECRET });
      return keyops;
    },
    async stop() {
      for (const p of [...processes].reverse()) await p.stop();
      await db.$disconnect();
      if (owned) await fake.close();
      if (owned) await temporal.teardown();
      await database.drop();
    },
  };
  return stack;
}
