/**
 * KEY_HASH_SECRET can be rotated: keys stored under the current secret, under a previous one
 * (KEY_HASH_SECRET_PREVIOUS) and in the form stored before hashes named their secret all verify
 * and report usage; a live key still costs one lookup. Real HTTP, real PostgreSQL.
 */
import { createHmac } from 'node:crypto';
import { loadPolicy } from '../../config/policyFile';
import type { Db } from '../../db/client';
import { hashKey } from '../../domain/keyHash';
import { createLogger } from '../../runtime/log';
import { startApiServer, type ApiServer } from '../support/apiServer';
import { mintStoredKey } from '../support/seedKeys';

const CURRENT = 'current-hash-secret-that-is-long-enough-1';
const PREVIOUS = 'previous-hash-secret-that-is-long-enough-0';
const FORGOTTEN = 'forgotten-hash-secret-that-is-long-enough-9';
const TOKEN = 'verify-token-0123456789';
const { policy } = loadPolicy(undefined);
const log = createLogger({ name: 'test', sink: () => undefined });

let api: ApiServer;
let db: Db;
beforeAll(async () => {
  api = await startApiServer({ policy, keyHashSecret: CURRENT, previousKeyHashSecrets: [PREVIOUS], verifyApiToken: TOKEN, log, usageRoutes: true });
  ({ db } = api);
});
afterAll(async () => {
  await api.stop();
});

let seq = 0;
/** A key stored with the given hash of its value. */
async function storeKey(hashOf: (key: string) => string): Promise<{ id: string; key: string }> {
  const { key, maskedKey } = mintStoredKey({ policy, keyHashSecret: CURRENT });
  const id = `key_rot${String(++seq).padStart(13, '0')}`;
  await db.apiKey.create({ data: { id, ownerId: 'U0OWNER', name: `k${seq}`, environment: 'test', scopes: ['read'], status: 'ACTIVE', keyHash: hashOf(key), maskedKey, expiresAt: new Date(Date.now() + 86_400_000) } });
  return { id, key };
}

async function post(path: string, body: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await fetch(`${api.baseUrl}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` }, body: JSON.stringify(body) });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

describe('rotating KEY_HASH_SECRET', () => {
  it('verifies keys under the current secret, a previous one and the form stored before ids; not under a forgotten one', async () => {
    const current = await storeKey((key) => hashKey({ key, secret: CURRENT }));
    const previous = await storeKey((key) => hashKey({ key, secret: PREVIOUS }));
    // The form stored before hashes named their secret: the bare HMAC under the secret itself.
    const legacy = await storeKey((key) => createHmac('sha256', PREVIOUS).update(key).digest('hex'));
    const forgotten = await storeKey((key) => hashKey({ key, secret: FORGOTTEN }));

    for (const stored of [current, previous, legacy]) expect((await post('/v1/keys/verify', { key: stored.key })).json).toMatchObject({ valid: true, code: 'VALID', keyId: stored.id });
    expect((await post('/v1/keys/verify', { key: forgotten.key })).json).toMatchObject({ valid: false, code: 'NOT_FOUND' });

    const usage = await post('/v1/usage', { entries: [{ key: legacy.key, at: new Date().toISOString(), status: 200, latencyMs: 5 }] });
    expect(usage.json).toMatchObject({ accepted: 1, rejected: [] });
  });

  it('finds a key under the current secret in one lookup', async () => {
    const current = await storeKey((key) => hashKey({ key, secret: CURRENT }));
    const before = api.lookups();
    expect((await post('/v1/keys/verify', { key: current.key })).json).toMatchObject({ valid: true });
    expect(api.lookups() - before).toBe(1);
  });
});
