/**
 * The verification API is the hot path of every company API: it must not go down with Temporal.
 * Production's API process, started while nothing listens at TEMPORAL_ADDRESS, answers verify and
 * says in /healthz that Temporal is unavailable while staying ready (200). Its verify lookups stay
 * within VERIFY_POOL_SIZE connections.
 */
import { Client } from 'pg';
import { loadPolicy } from '../../config/policyFile';
import { createDb, type Db } from '../../db/client';
import { freePort } from '../faults/support/ports';
import { startApiProcess, type ApiProcess } from '../support/apiProcess';
import { createTestDatabase, type TestDatabase } from '../support/databases';
import { KEY_HASH_SECRET } from '../support/keyopsHarness';
import { seedKeys, type SeededKey } from '../support/seedKeys';

let database: TestDatabase;
let db: Db;
let api: ApiProcess | undefined;

beforeAll(async () => {
  database = await createTestDatabase();
  db = createDb({ databaseUrl: database.url, maxConnections: 2 });
});

afterAll(async () => {
  await api?.stop();
  await db?.$disconnect();
  await database?.drop();
});

it('verifies keys and stays ready while Temporal is unreachable', async () => {
  const [key] = (await seedKeys(db, { policy: loadPolicy(undefined).policy, keyHashSecret: KEY_HASH_SECRET, keys: [{ ownerId: 'U0NOTEMPORAL' }] })) as [SeededKey];
  const closedPort = await freePort();
  api = await startApiProcess({ databaseUrl: database.url, temporalAddress: `127.0.0.1:${closedPort}`, env: { VERIFY_POOL_SIZE: '2' } });

  expect(await api.verify(key.key)).toMatchObject({ valid: true, code: 'VALID', keyId: key.id });
  expect(await api.verify(`${key.key.slice(0, -6)}AAAAAA`)).toMatchObject({ valid: false });

  const health = await fetch(`${api.url}/healthz`);
  expect(health.status).toBe(200);
  expect(await health.json()).toMatchObject({ status: 'ok', checks: { database: 'ok', temporal: 'unavailable' } });

  // Cache misses in parallel: no more lookup connections than VERIFY_POOL_SIZE.
  const unknown = await seedKeys(db, { policy: loadPolicy(undefined).policy, keyHashSecret: KEY_HASH_SECRET, keys: Array.from({ length: 30 }, () => ({ ownerId: 'U0NOTEMPORAL' })) });
  const admin = new Client({ connectionString: database.url });
  await admin.connect();
  try {
    let most = 0;
    const sampling = (async () => {
      for (let i = 0; i < 40; i += 1) {
        const { rows } = await admin.query<{ n: number }>("SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = 'keyops-verify' AND datname = current_database()");
        most = Math.max(most, rows[0]?.n ?? 0);
        await new Promise((r) => setTimeout(r, 10));
      }
    })();
    const answers = await Promise.all(unknown.map((k) => api!.verify(k.key)));
    await sampling;
    expect(answers.every((a) => a.valid === true)).toBe(true);
    expect(most).toBeGreaterThan(0);
    expect(most).toBeLessThanOrEqual(2);
  } finally {
    await admin.end();
  }
}, 120_000);
