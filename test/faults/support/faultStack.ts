/**
 * keyops as the fault suite runs it: real child processes (`bin/keyops.ts` all-in-one, or the
 * production roles worker + bot + api), a fresh PostgreSQL database on the shared server, a Temporal
 * dev server of its own (restartable, state on disk) and the fake Slack. A test kills any role with
 * SIGKILL, optionally after stopping it at a named fault point, and starts it again on the same port.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { createDb, type Db } from '../../../db/client';
import type { FaultPoint } from '../../../runtime/faultPoints';
import { createTestDatabase, type TestDatabase } from '../../support/databases';
import { createSlackDriver, startFakeSlack, type FakeSlack, type SlackDriver } from '../../../playground/slack';
import { spawnKeyops, type KeyopsProcess } from '../../support/keyopsProcess';
import { freePort } from './ports';
import { startFaultTemporal, type FaultTemporal } from './temporalServer';

export const SIGNING_SECRET = 'faults-signing-secret';
export const VERIFY_TOKEN = 'faults-verify-token-0123456789';
export const KEY_HASH_SECRET = 'faults-key-hash-secret-0123456789abcdef';
export const DISPLAY_SECONDS = 5;

export type Layout = 'all-in-one' | 'split';
export type Role = 'keyops' | 'worker' | 'bot' | 'api';

export interface FaultStack {
  layout: Layout;
  fake: FakeSlack;
  driver: SlackDriver;
  db: Db;
  temporal: FaultTemporal & { client: Client };
  /** The role that serves Slack (all-in-one: keyops; split: bot). */
  slackRole: Role;
  /** The role that runs workflows (all-in-one: keyops; split: worker). */
  workerRole: Role;
  logs(role: Role): string[];
  /** SIGKILL; resolves once the process is gone, with that moment. */
  kill(role: Role): Promise<number>;
  /** Starts the role (again), stopping at `faultPoint` when given; resolves when it is ready. */
  start(role: Role, options?: { faultPoint?: FaultPoint }): Promise<void>;
  /** Resolves when the role logged that it reached its armed fault point. */
  reached(role: Role, point: FaultPoint, timeoutMs?: number): Promise<void>;
  verify(key: string): Promise<{ status: number; body: Record<string, unknown> }>;
  stop(): Promise<void>;
}

export interface FaultStackOptions {
  layout: Layout;
  /** Rewrites the example policy's YAML. */
  policyEdit?: (yaml: string) => string;
  usergroups?: Record<string, string[]>;
}

export async function startFaultStack(options: FaultStackOptions): Promise<FaultStack> {
  const dir = mkdtempSync(path.join(tmpdir(), 'keyops-faults-'));
  const database: TestDatabase = await createTestDatabase({ fromTemplate: false });
  const temporalServer = await startFaultTemporal({ dir });
  const connection = await Connection.connect({ address: temporalServer.address });
  const fake = await startFakeSlack({ usergroups: options.usergroups ?? {} });
  const policyFile = path.join(dir, 'policy.yaml');
  const example = readFileSync(path.resolve(__dirname, '../../../policy.example.yaml'), 'utf8').replace(/keyRequestsPerUserPerHour: \d+/, 'keyRequestsPerUserPerHour: 1000');
  writeFileSync(policyFile, options.policyEdit ? options.policyEdit(example) : example);
  const ports: Record<Role, number> = { keyops: await freePort(), worker: await freePort(), bot: await freePort(), api: await freePort() };
  const env = (role: Role, faultPoint?: FaultPoint): Record<string, string> => ({
    PORT: String(ports[role]),
    DATABASE_URL: database.url,
    TEMPORAL_ADDRESS: temporalServer.address,
    SLACK_BOT_TOKEN: fake.botToken,
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_API_URL: fake.apiUrl,
    KEY_HASH_SECRET,
    VERIFY_API_TOKEN: VERIFY_TOKEN,
    POLICY_FILE: policyFile,
    KEYOPS_DATA_DIR: dir,
    KEY_DISPLAY_SECONDS: String(DISPLAY_SECONDS),
    ...(faultPoint ? { KEYOPS_FAULT_POINT: faultPoint } : {}),
  });
  const processes = new Map<Role, KeyopsProcess>();
  const logs = new Map<Role, string[]>();
  const start = async (role: Role, o: { faultPoint?: FaultPoint } = {}): Promise<void> => {
    const p = await spawnKeyops({ entry: role, env: env(role, o.faultPoint), readyTimeoutMs: 180_000 });
    processes.set(role, p);
    logs.set(role, p.logs);
  };
  const roles: Role[] = options.layout === 'all-in-one' ? ['keyops'] : ['worker', 'bot', 'api'];
  const slackRole: Role = options.layout === 'all-in-one' ? 'keyops' : 'bot';
  const apiRole: Role = options.layout === 'all-in-one' ? 'keyops' : 'api';
  const db = createDb({ databaseUrl: database.url, maxConnections: 2 });
  const stopAll = async (): Promise<void> => {
    for (const role of [...processes.keys()].reverse()) await processes.get(role)?.stop();
    processes.clear();
  };
  try {
    // The worker (or the all-in-one process) migrates the fresh database: it starts first.
    for (const role of roles) await start(role);
  } catch (error) {
    await stopAll();
    await fake.close();
    await connection.close();
    await temporalServer.stop();
    await database.drop();
    throw error;
  }
  return {
    layout: options.layout,
    fake,
    driver: createSlackDriver({ fake, url: `http://127.0.0.1:${ports[slackRole]}/slack/events`, signingSecret: SIGNING_SECRET }),
    db,
    temporal: { ...temporalServer, client: new Client({ connection }) },
    slackRole,
    workerRole: options.layout === 'all-in-one' ? 'keyops' : 'worker',
    logs: (role) => logs.get(role) ?? [],
    start,
    async kill(role) {
      const p = processes.get(role);
      if (!p) throw new Error(`${role} is not running`);
      processes.delete(role);
      if (p.child.exitCode === null) {
        const exited = new Promise((resolve) => p.child.once('exit', resolve));
        p.child.kill('SIGKILL');
        await exited;
      }
      return Date.now();
    },
    async reached(role, point, timeoutMs = 60_000) {
      const deadline = Date.now() + timeoutMs;
      while (!(logs.get(role) ?? []).some((line) => line.includes('fault point reached') && line.includes(point))) {
        if (Date.now() > deadline) throw new Error(`${role} did not reach fault point ${point} in ${timeoutMs} ms`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    },
    async verify(key) {
      const res = await fetch(`http://127.0.0.1:${ports[apiRole]}/v1/keys/verify`, {
        method: 'POST',
        headers: { authorization: `Bearer ${VERIFY_TOKEN}`, 'content-type': 'application/json' },
        body: JSON.stringify({ key }),
      });
      return { status: res.status, body: (await res.json()) as Record<string, unknown> };
    },
    async stop() {
      await stopAll();
      await db.$disconnect();
      await fake.close();
      await connection.close();
      await temporalServer.stop();
      await database.drop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
