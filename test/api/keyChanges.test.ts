/**
 * The verify cache against the real PostgreSQL: answers come from the cache while the change
 * listener is subscribed, a change to a key reaches it through the api_keys trigger's NOTIFY, and
 * while the listener is down every answer comes from the database (fail closed).
 *
 * "Silent" changes bypass the trigger (session_replication_role = replica): they show whether an
 * answer came from the cache (old value) or from the database (new value).
 */
import { Client } from 'pg';
import { KEY_CHANGES_APPLICATION_NAME } from '../../api/keyChanges';
import { verifyKey } from '../../api/verify';
import { startVerifyService, type VerifyService } from '../../api/verifyService';
import { loadPolicy } from '../../config/policyFile';
import { createDb, type Db } from '../../db/client';
import { mintKey } from '../../domain/keyFormat';
import { hashKey } from '../../domain/keyHash';
import { createLogger } from '../../runtime/log';
import { createTestDatabase, withAdmin, type TestDatabase } from '../support/databases';
import { eventually } from '../support/eventually';
import { mintStoredKey } from '../support/seedKeys';

const SECRET = 'test-hash-secret-that-is-long-enough-000';
const { policy } = loadPolicy(undefined);
const logs: string[] = [];
const log = createLogger({ name: 'test', sink: (line) => logs.push(line) });

let database: TestDatabase;
let db: Db;
let admin: Client;
let service: VerifyService;

beforeAll(async () => {
  database = await createTestDatabase();
  db = createDb({ databaseUrl: database.url, maxConnections: 2 });
  admin = new Client({ connectionString: database.url });
  await admin.connect();
  service = await startVerifyService({ db, databaseUrl: database.url, policy, keyHashSecret: SECRET, clock: () => new Date(), log });
});

afterAll(async () => {
  await service.stop();
  await admin.end();
  await db.$disconnect();
  await database.drop();
});

/** Refusals carry no scopes: `scopes` is read from valid answers. */
const verify = (key: string): Promise<{ code: string; keyId: string | null; scopes?: string[] }> => verifyKey(service.deps, key);

let seq = 0;
/** Stored without a notification, so none is still on its way when a test starts. */
async function storeKey(): Promise<{ key: string; id: string }> {
  const { key, keyHash, maskedKey } = mintStoredKey({ policy, keyHashSecret: SECRET });
  const id = `key_${String(++seq).padStart(16, '0')}`;
  await silently(() =>
    admin.query(
      `INSERT INTO api_keys (id, owner_id, name, environment, scopes, status, key_hash, masked_key, expires_at)
       VALUES ($1, 'U0OWNER', $2, 'test', '{read}', 'ACTIVE', $3, $4, now() + interval '1 day')`,
      [id, `k${seq}`, keyHash, maskedKey],
    ),
  );
  return { key, id };
}

/** Runs SQL without firing triggers, as if its notification had been lost. */
async function silently(run: () => Promise<unknown>): Promise<void> {
  await admin.query('BEGIN');
  await admin.query('SET LOCAL session_replication_role = replica');
  await run();
  await admin.query('COMMIT');
}

const changeSilently = (id: string, scopes: string[]) => silently(() => admin.query('UPDATE api_keys SET scopes = $2 WHERE id = $1', [id, scopes]));

describe('verify cache invalidation', () => {
  it('answers from the cache, and a revocation reaches it through NOTIFY', async () => {
    expect(service.listener.subscribed).toBe(true);
    const { key, id } = await storeKey();
    expect(await verify(key)).toMatchObject({ code: 'VALID', scopes: ['read'] });
    await changeSilently(id, ['read', 'write']);
    expect(await verify(key)).toMatchObject({ code: 'VALID', scopes: ['read'] }); // cached

    await db.apiKey.update({ where: { id }, data: { status: 'REVOKED' } });
    await eventually(async () => (await verify(key)).code === 'REVOKED', { what: 'REVOKED' });
    expect(await verify(key)).toEqual({ valid: false, code: 'REVOKED', keyId: id }); // refusals name the key, never its scopes
  });

  it('lets a key verify once it exists, although its absence was cached', async () => {
    const key = mintKey({ prefix: policy.keyPrefix, envTag: 'test' });
    expect((await verify(key)).code).toBe('NOT_FOUND');
    const { id } = await storeKey();
    await db.apiKey.update({ where: { id }, data: { keyHash: hashKey({ key, secret: SECRET }) } });
    await eventually(async () => (await verify(key)).code === 'VALID', { what: 'the new key to verify' });
  });

  it('goes to the database while the listener is down, and caches again once it is back', async () => {
    const { key, id } = await storeKey();
    expect((await verify(key)).scopes).toEqual(['read']);
    await withAdmin((c) => c.query(`ALTER DATABASE "${database.name}" ALLOW_CONNECTIONS false`));
    try {
      const killed = await admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1 AND datname = $2', [KEY_CHANGES_APPLICATION_NAME, database.name]);
      expect(killed.rowCount).toBe(1);
      await eventually(async () => !service.listener.subscribed, { what: 'the listener to notice' });
      await changeSilently(id, ['write']);
      expect((await verify(key)).scopes).toEqual(['write']); // not the cached ['read']
      expect(service.listener.subscribed).toBe(false); // still down: that answer came from the database
    } finally {
      await withAdmin((c) => c.query(`ALTER DATABASE "${database.name}" ALLOW_CONNECTIONS true`));
    }
    await eventually(async () => service.listener.subscribed, { what: 'the listener to subscribe again' });
    expect((await verify(key)).scopes).toEqual(['write']);
    await changeSilently(id, ['read', 'write']);
    expect((await verify(key)).scopes).toEqual(['write']); // cached again
    await db.apiKey.update({ where: { id }, data: { status: 'REVOKED' } });
    await eventually(async () => (await verify(key)).code === 'REVOKED', { what: 'REVOKED after resubscribing' });
    expect(logs.some((l) => l.includes('lost its connection'))).toBe(true);
    expect(logs.join('\n')).not.toContain(hashKey({ key, secret: SECRET }));
  });
});
