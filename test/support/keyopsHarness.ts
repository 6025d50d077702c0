/**
 * A real keyops for end-to-end tests: the production start-up code (startKeyops) against its own
 * PostgreSQL database, a real Temporal dev server and a fake Slack at the Web API. The bot/API and
 * the worker run as separate roles so a test can restart the worker mid-flight. Every log line is
 * captured so tests can search it.
 */
import { execFileSync } from 'node:child_process';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { loadPolicy } from '../../config/policyFile';
import { createDb, type Db } from '../../db/client';
import { applyMigrations } from '../../db/migrate';
import { newKeyId } from '../../domain/ids';
import type { Policy } from '../../domain/policy';
import { startKeyops, type KeyopsOptions, type RunningKeyops } from '../../runtime/keyops';
import { createLogger, type LogLevel } from '../../runtime/log';
import { createTestDatabase, type TestDatabase } from './databases';
import { createSlackDriver, startFakeSlack, type FakeSlack, type SlackDriver } from '../../playground/slack';
import { startFakeSocketMode, type FakeSocketMode } from './fakeSocketMode';
import { createDevServerEnv, workflowBundle } from './temporal';
import { CODEC_KEYS } from './codecKeys';
import { mintStoredKey } from './seedKeys';

export { CODEC_KEYS };

export const SIGNING_SECRET = 'test-signing-secret';
export const VERIFY_TOKEN = 'test-verify-token-0123456789';
export const KEY_HASH_SECRET = 'test-key-hash-secret-0123456789abcdef';
export const CODEC_ENDPOINT_TOKEN = 'test-codec-endpoint-token-0123';

export interface SeededKey {
  id: string;
  /** The plaintext, for tests that play the key's user (or the person who found it leaked). */
  key: string;
  maskedKey: string;
}

export interface Harness {
  url: string;
  databaseUrl: string;
  fake: FakeSlack;
  driver: SlackDriver;
  /** Set with `socketMode`: the envelopes sent and their acks. */
  socket?: FakeSocketMode;
  db: Db;
  policy: Policy;
  temporal: TestWorkflowEnvironment;
  logs: string[];
  restartWorker(): Promise<void>;
  stopWorker(): Promise<void>;
  startWorker(): Promise<void>;
  verify(key: string): Promise<Record<string, unknown>>;
  /**
   * Stores an ACTIVE key as if it had been requested and revealed (no Slack, no workflow). `quiet`
   * skips the api_keys trigger: no change notification is still on its way when the test starts.
   */
  seedKey(options: { ownerId: string; name?: string; environment?: string; scopes?: string[]; lastUsedAt?: Date | null; maskedKey?: string; quiet?: boolean }): Promise<SeededKey>;
  /** Everything stored in the database, as text (pg_dump). */
  dumpDatabase(): string;
  /** Every workflow history of the namespace, with payloads decoded to text. */
  dumpHistories(): Promise<string>;
  stop(): Promise<void>;
}

export interface HarnessOptions {
  displaySeconds?: number;
  /** Changes the shipped policy, e.g. to make test users the approvers. */
  policy?: (p: Policy) => Policy;
  /** Slack user groups (approver groups), in place before keyops first reads them. */
  usergroups?: Record<string, string[]>;
  /**
   * A database migrated here rather than copied from jest's template: for benches and scripts
   * that run outside jest (no globalSetup).
   */
  freshDatabase?: boolean;
  logLevel?: LogLevel;
  /**
   * keyops's PostgreSQL sessions in this time zone, as an embedded cluster initialised on a host in
   * that zone has them (initdb writes the host's zone into postgresql.conf).
   */
  databaseTimeZone?: string;
  /** Slack over Socket Mode (SLACK_APP_TOKEN, no signing secret) instead of signed HTTP requests. */
  socketMode?: boolean;
  /** GITHUB_SECRET_SCANNING_KEYS_URL: tests serve their own signing keys. */
  githubKeysUrl?: string;
  /** Workflow payloads encrypted with CODEC_KEYS, and the codec endpoint on CODEC_ENDPOINT_TOKEN. */
  encryptPayloads?: boolean;
}

function withSessionTimeZone(url: string, timeZone: string | undefined): string {
  if (!timeZone) return url;
  const u = new URL(url);
  u.searchParams.set('options', `-c TimeZone=${timeZone}`);
  return u.toString();
}

export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const database: TestDatabase = await createTestDatabase(options.freshDatabase ? { fromTemplate: false } : {});
  if (options.freshDatabase) await applyMigrations({ databaseUrl: database.url });
  const temporal = await createDevServerEnv();
  const fake = await startFakeSlack({ usergroups: options.usergroups ?? {} });
  const logs: string[] = [];
  // KEYOPS_TEST_LOGS=1 echoes keyops's logs while debugging a test.
  const echo = process.env.KEYOPS_TEST_LOGS === '1';
  const log = createLogger({ name: 'keyops', level: options.logLevel ?? 'debug', sink: (line) => (logs.push(line), echo && process.stderr.write(line + '\n')) });
  const basePolicy = loadPolicy(undefined).policy;
  const policy = options.policy ? options.policy(basePolicy) : basePolicy;
  const bundle = await workflowBundle();
  const socket = options.socketMode ? await startFakeSocketMode({ fake }) : undefined;

  const common: Omit<KeyopsOptions, 'roles' | 'port'> = {
    databaseUrl: withSessionTimeZone(database.url, options.databaseTimeZone),
    temporal: { address: temporal.address, namespace: temporal.namespace ?? 'default' },
    policy,
    slack: options.socketMode ? { botToken: fake.botToken, appToken: fake.appToken, apiUrl: fake.apiUrl } : { botToken: fake.botToken, signingSecret: SIGNING_SECRET, apiUrl: fake.apiUrl },
    keyHashSecret: KEY_HASH_SECRET,
    verifyApiToken: VERIFY_TOKEN,
    displaySeconds: options.displaySeconds ?? 120,
    host: '127.0.0.1',
    log,
    migrate: false,
    workflowBundle: bundle,
    ...(options.githubKeysUrl ? { githubKeysUrl: options.githubKeysUrl } : {}),
    ...(options.encryptPayloads ? { codec: { keys: CODEC_KEYS, endpointToken: CODEC_ENDPOINT_TOKEN, uiOrigin: 'http://temporal-ui.test:8233' } } : {}),
  };
  const front = await startKeyops({ ...common, roles: { bot: true, api: true, worker: false }, port: 0 });
  let worker: RunningKeyops | null = await startKeyops({ ...common, roles: { bot: false, api: false, worker: true }, port: 0 });
  const url = front.url as string;
  await socket?.connected();
  const db = createDb({ databaseUrl: withSessionTimeZone(database.url, options.databaseTimeZone), maxConnections: 2 });

  const stopWorker = async (): Promise<void> => {
    await worker?.stop();
    worker = null;
  };
  const startWorker = async (): Promise<void> => {
    worker ??= await startKeyops({ ...common, roles: { bot: false, api: false, worker: true }, port: 0 });
  };

  return {
    url,
    databaseUrl: database.url,
    fake,
    driver: createSlackDriver({ fake, url: `${url}/slack/events`, signingSecret: SIGNING_SECRET, ...(socket && { transport: socket }) }),
    ...(socket && { socket }),
    db,
    policy,
    temporal,
    logs,
    stopWorker,
    startWorker,
    restartWorker: async () => {
      await stopWorker();
      await startWorker();
    },
    async verify(key) {
      const res = await fetch(`${url}/v1/keys/verify`, { method: 'POST', headers: { authorization: `Bearer ${VERIFY_TOKEN}`, 'content-type': 'application/json' }, body: JSON.stringify({ key }) });
      return (await res.json()) as Record<string, unknown>;
    },
    async seedKey(o) {
      const environment = o.environment ?? 'test';
      const minted = mintStoredKey({ policy, keyHashSecret: KEY_HASH_SECRET, environment });
      const { key, keyHash } = minted;
      const id = newKeyId();
      const maskedKey = o.maskedKey ?? minted.maskedKey;
      const now = Date.now();
      const create = db.apiKey.create({
        data: {
          id, ownerId: o.ownerId, name: o.name ?? `Service ${id.slice(-4)}`, environment, scopes: o.scopes ?? ['read'], status: 'ACTIVE',
          keyHash, maskedKey, createdAt: new Date(now - 86_400_000), revealedAt: new Date(now - 86_400_000),
          expiresAt: new Date(now + 30 * 86_400_000), lastUsedAt: o.lastUsedAt ?? null,
          // As a key from before first-call tracking: no first-call report, no nudge (seedKeys.ts).
          firstCallSettledAt: new Date(now - 86_400_000),
        },
      });
      if (o.quiet) await db.$transaction([db.$executeRaw`SET LOCAL session_replication_role = replica`, create]);
      else await create;
      return { id, key, maskedKey };
    },
    dumpDatabase: () => execFileSync('pg_dump', ['--data-only', '--inserts', database.url], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 }),
    async dumpHistories() {
      const texts: string[] = [];
      for await (const wf of temporal.client.workflow.list()) {
        const history = await temporal.client.workflow.getHandle(wf.workflowId, wf.runId).fetchHistory();
        // Payloads are bytes: the history's own toJSON turns them into base64 before a replacer sees
        // them, so decode every payload's `data` back to text, or a search would look at base64.
        const decode = (key: string, value: unknown): unknown => {
          if (value instanceof Uint8Array) return Buffer.from(value).toString('utf8');
          if (key === 'data' && typeof value === 'string') return Buffer.from(value, 'base64').toString('utf8');
          return value;
        };
        texts.push(JSON.stringify({ memo: wf.memo, searchAttributes: wf.searchAttributes, history }, decode));
      }
      return texts.join('\n');
    },
    async stop() {
      await stopWorker();
      await front.stop();
      await db.$disconnect();
      await socket?.close();
      await fake.close();
      await temporal.teardown();
      await database.drop();
    },
  };
}
