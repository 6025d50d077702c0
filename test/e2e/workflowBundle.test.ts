/**
 * Production's worker (dist/bin/worker.js, as `npm run build` leaves it) runs its workflows from
 * the bundle the build wrote, bundling nothing at start, and those workflows run: the lifecycle the
 * worker starts for a key that has none gets its first workflow task done.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { loadPolicy } from '../../config/policyFile';
import { createDb, type Db } from '../../db/client';
import { createTestDatabase, type TestDatabase } from '../support/databases';
import { eventually } from '../support/eventually';
import { KEY_HASH_SECRET } from '../support/keyopsHarness';
import { spawnKeyops, type KeyopsProcess } from '../support/keyopsProcess';
import { seedKeys, type SeededKey } from '../support/seedKeys';
import { createDevServerEnv } from '../support/temporal';

const ROOT = path.resolve(__dirname, '../..');
const BUNDLE = path.join(ROOT, 'dist/workflow-bundle.js');

let database: TestDatabase;
let temporal: TestWorkflowEnvironment;
let db: Db;
let worker: KeyopsProcess | undefined;

beforeAll(async () => {
  const build = spawnSync('npm', ['run', 'build', '--silent'], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, PRISMA_HIDE_UPDATE_MESSAGE: '1' } });
  expect(`${build.status}\n${build.stderr}`).toMatch(/^0\n/);
  [database, temporal] = await Promise.all([createTestDatabase(), createDevServerEnv()]);
  db = createDb({ databaseUrl: database.url, maxConnections: 2 });
}, 600_000);

afterAll(async () => {
  await worker?.stop();
  await db?.$disconnect();
  await temporal?.teardown();
  await database?.drop();
});

it('starts from the prebuilt bundle and runs workflows from it', async () => {
  expect(existsSync(BUNDLE)).toBe(true);
  const [key] = (await seedKeys(db, { policy: loadPolicy(undefined).policy, keyHashSecret: KEY_HASH_SECRET, keys: [{ ownerId: 'U0BUNDLE' }] })) as [SeededKey];
  worker = await spawnKeyops({
    entry: 'worker',
    fromDist: true,
    env: { PORT: '0', DATABASE_URL: database.url, TEMPORAL_ADDRESS: temporal.address, KEY_HASH_SECRET },
    readyTimeoutMs: 120_000,
  });
  const logs = worker.logs.join('\n');
  expect(logs).toContain('workflows from the prebuilt bundle');
  expect(logs).not.toContain('bundling workflows at start');

  const handle = temporal.client.workflow.getHandle(`key-lifecycle-${key.id}`);
  await eventually(
    async () => {
      try {
        const history = await handle.fetchHistory();
        return history.events?.some((e) => e.workflowTaskCompletedEventAttributes) ?? false;
      } catch {
        return false;
      }
    },
    { timeoutMs: 60_000, what: 'the lifecycle workflow to run its first task' },
  );
  const health = await fetch(`${worker.url}/healthz`);
  expect(((await health.json()) as { checks: Record<string, string> }).checks.worker).toBe('ok');
}, 180_000);
