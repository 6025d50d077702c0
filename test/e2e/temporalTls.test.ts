/**
 * keyops on a Temporal that speaks only TLS, through a real TLS-terminating proxy (nginx in front
 * of a dev server, certificates from openssl): production's worker connects with mTLS (client
 * certificate given as PEM text, key and CA as file paths, the server's name set) and runs
 * workflows; `keyops doctor` says how it connects; a missing client certificate and a wrong CA
 * fail with a message naming the setting to fix; an API key travels as a bearer token over TLS.
 */
import { readFileSync } from 'node:fs';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { loadPolicy } from '../../config/policyFile';
import { createDb, type Db } from '../../db/client';
import { runKeyopsCli } from '../support/cliRun';
import { createTestDatabase, type TestDatabase } from '../support/databases';
import { eventually } from '../support/eventually';
import { KEY_HASH_SECRET } from '../support/keyopsHarness';
import { spawnKeyops, type KeyopsProcess } from '../support/keyopsProcess';
import { seedKeys, type SeededKey } from '../support/seedKeys';
import { createDevServerEnv } from '../support/temporal';
import { startTemporalTlsProxy, TLS_SERVER_NAME, type TemporalTlsProxy } from '../support/tlsProxy';

let database: TestDatabase;
let temporal: TestWorkflowEnvironment;
let proxy: TemporalTlsProxy;
let db: Db;
let worker: KeyopsProcess | undefined;

beforeAll(async () => {
  [database, temporal] = await Promise.all([createTestDatabase(), createDevServerEnv()]);
  proxy = await startTemporalTlsProxy({ temporalAddress: temporal.address });
  db = createDb({ databaseUrl: database.url, maxConnections: 2 });
}, 120_000);

afterAll(async () => {
  await worker?.stop();
  await db?.$disconnect();
  await proxy?.stop();
  await temporal?.teardown();
  await database?.drop();
});

const mtlsEnv = (): Record<string, string> => ({
  TEMPORAL_ADDRESS: proxy.mtls,
  TEMPORAL_TLS_CERT: readFileSync(proxy.files.clientCert, 'utf8'),
  TEMPORAL_TLS_KEY: proxy.files.clientKey,
  TEMPORAL_TLS_CA: proxy.files.ca,
  TEMPORAL_TLS_SERVER_NAME: TLS_SERVER_NAME,
});

function temporalLine(stdout: string): string {
  return stdout.split('\n').find((l) => l.split(/\s+/)[1] === 'temporal') ?? `(no temporal line in ${stdout})`;
}

it('runs the worker over mTLS and its workflows run', async () => {
  const [key] = (await seedKeys(db, { policy: loadPolicy(undefined).policy, keyHashSecret: KEY_HASH_SECRET, keys: [{ ownerId: 'U0TLS' }] })) as [SeededKey];
  worker = await spawnKeyops({ entry: 'worker', env: { PORT: '0', DATABASE_URL: database.url, KEY_HASH_SECRET, ...mtlsEnv() }, readyTimeoutMs: 120_000 });
  expect(worker.logs.join('\n')).toContain('mTLS (client certificate inline)');
  // The worker's client started the key's lifecycle over TLS; its native connection ran it.
  await eventually(
    async () => {
      try {
        const history = await temporal.client.workflow.getHandle(`key-lifecycle-${key.id}`).fetchHistory();
        return history.events?.some((e) => e.workflowTaskCompletedEventAttributes) ?? false;
      } catch {
        return false;
      }
    },
    { timeoutMs: 60_000, what: 'the lifecycle workflow to run its first task' },
  );
  const health = (await (await fetch(`${worker.url}/healthz`)).json()) as { checks: Record<string, string> };
  expect(health.checks).toMatchObject({ temporal: 'ok', worker: 'ok' });
}, 180_000);

it('keyops doctor reports how it reaches Temporal', async () => {
  const run = await runKeyopsCli(['doctor'], { DATABASE_URL: database.url, ...mtlsEnv() });
  expect(temporalLine(run.stdout)).toMatch(/ok.*mTLS \(client certificate inline\), CA .*ca\.pem, server name temporal\.test/);
});

it('says to set a client certificate when the server requires one', async () => {
  const { TEMPORAL_TLS_CERT: _cert, TEMPORAL_TLS_KEY: _key, ...withoutCert } = mtlsEnv();
  const run = await runKeyopsCli(['doctor'], { DATABASE_URL: database.url, ...withoutCert });
  expect(run.code).toBe(1);
  expect(temporalLine(run.stdout)).toMatch(/FAIL.*TEMPORAL_TLS_CERT and TEMPORAL_TLS_KEY/);
});

it('says the server is not trusted when the CA is wrong', async () => {
  const run = await runKeyopsCli(['doctor'], { DATABASE_URL: database.url, ...mtlsEnv(), TEMPORAL_TLS_CA: proxy.files.otherCa });
  expect(run.code).toBe(1);
  expect(temporalLine(run.stdout)).toMatch(/FAIL.*certificate is not trusted.*check TEMPORAL_TLS_CA/);
});

it('sends the API key as a bearer token, over TLS', async () => {
  const run = await runKeyopsCli(['doctor'], { DATABASE_URL: database.url, TEMPORAL_ADDRESS: proxy.tls, TEMPORAL_API_KEY: 'test-temporal-api-key', TEMPORAL_TLS_CA: proxy.files.ca, TEMPORAL_TLS_SERVER_NAME: TLS_SERVER_NAME });
  expect(temporalLine(run.stdout)).toMatch(/ok.*TLS, CA .*, API key/);
  await eventually(async () => proxy.authorizations().includes('Bearer test-temporal-api-key'), { timeoutMs: 10_000, what: 'nginx to log the API key' });
});
