/**
 * POST /v1/keys/verify and GET /healthz over real HTTP against the real PostgreSQL, exactly as the
 * public contract says.
 */
import http from 'node:http';
import type { HealthCheck } from '../../api/routes';
import { createUsageRecorder, type UsageRecorder } from '../../api/usage';
import { loadPolicy } from '../../config/policyFile';
import type { Db } from '../../db/client';
import { mintKey } from '../../domain/keyFormat';
import { createLogger } from '../../runtime/log';
import { startApiServer, type ApiServer } from '../support/apiServer';
import { mintStoredKey } from '../support/seedKeys';
import { withWritesFailing } from '../support/writesFailing';

const SECRET = 'test-hash-secret-that-is-long-enough-000';
const TOKEN = 'verify-token-0123456789';
const { policy } = loadPolicy(undefined);
const log = createLogger({ name: 'test', sink: () => undefined });

let api: ApiServer;
let db: Db;
let baseUrl: string;
let usage: UsageRecorder;
const healthChecks: HealthCheck[] = [];

beforeAll(async () => {
  api = await startApiServer({ policy, keyHashSecret: SECRET, verifyApiToken: TOKEN, log, healthChecks });
  ({ db, baseUrl, usage } = api);
});

afterAll(async () => {
  await api.stop();
});

async function verify(body: unknown, token: string | null = TOKEN): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await fetch(`${baseUrl}/v1/keys/verify`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

let seq = 0;
async function storeKey(options: { environment?: string; status?: 'ACTIVE' | 'REVOKED' | 'PENDING_REVEAL' | 'EXPIRED'; expiresInMs?: number } = {}) {
  const environment = options.environment ?? 'test';
  const { key, keyHash, maskedKey } = mintStoredKey({ policy, keyHashSecret: SECRET, environment });
  const id = `key_${String(++seq).padStart(16, '0')}`;
  const expiresAt = new Date(Date.now() + (options.expiresInMs ?? 86_400_000));
  await db.apiKey.create({
    data: { id, ownerId: 'U0OWNER', name: `k${seq}`, environment, scopes: ['read', 'write'], status: options.status ?? 'ACTIVE', keyHash, maskedKey, expiresAt },
  });
  return { key, id, expiresAt };
}

describe('POST /v1/keys/verify', () => {
  it('refuses a missing or wrong bearer token with 401', async () => {
    const { key } = await storeKey();
    expect((await verify({ key }, null)).status).toBe(401);
    expect((await verify({ key }, 'wrong-token-0123456789')).status).toBe(401);
  });

  it('judges the token of every request on a keep-alive connection, not just its first', async () => {
    const { key } = await storeKey();
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const ports = new Set<number>();
    const post = (token: string) =>
      new Promise<number>((resolve, reject) => {
        const req = http.request(`${baseUrl}/v1/keys/verify`, { method: 'POST', agent, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' } }, (res) => {
          ports.add(req.socket?.localPort ?? -1);
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
        });
        req.on('error', reject);
        req.end(JSON.stringify({ key }));
      });
    try {
      expect([await post(TOKEN), await post('wrong-token-0123456789'), await post(TOKEN + 'x'), await post(TOKEN)]).toEqual([200, 401, 401, 200]);
      // One connection throughout (a 401 does not close it): the same socket asked every time.
      expect(ports.size).toBe(1);
    } finally {
      agent.destroy();
    }
  });

  it('answers 400 for bad JSON or a body without a key, and 413 over 8 KB', async () => {
    expect((await verify('{"key": ')).status).toBe(400);
    expect((await verify({ token: 'x' })).status).toBe(400);
    const big = await verify({ key: 'x'.repeat(9000) });
    expect(big.status).toBe(413);
  });

  it('takes {"key": <a string of up to 512 characters>}, other fields ignored, and answers 400 for any other body', async () => {
    const refused = { error: 'bad_request', message: 'the body must be {"key": "<api key>"}' };
    for (const body of ['[]', '"ko_test_x"', 'null', '42', '{"key": 42}', '{"key": null}', '{"key": ["x"]}', '[{"key": "x"}]', JSON.stringify({ key: 'x'.repeat(513) }), JSON.stringify({ key: '😀'.repeat(513) })]) {
      expect(await verify(body)).toEqual({ status: 400, json: refused });
    }
    // Characters, not UTF-16 units: 512 emoji are 1,024 units and still a key to judge (malformed).
    for (const key of ['x'.repeat(512), '😀'.repeat(512), '']) {
      expect(await verify({ key, extra: true })).toEqual({ status: 200, json: { valid: false, code: 'MALFORMED', keyId: null } });
    }
  });

  it('answers MALFORMED for a bad shape or checksum without any lookup', async () => {
    const { key } = await storeKey();
    const before = api.lookups();
    const flipped = key.slice(0, -1) + (key.endsWith('A') ? 'B' : 'A');
    for (const candidate of ['', 'hello', flipped, key + 'x', key.replace('_test_', '_tst_')]) {
      const { status, json } = await verify({ key: candidate });
      expect(status).toBe(200);
      expect(json).toEqual({ valid: false, code: 'MALFORMED', keyId: null });
    }
    expect(api.lookups()).toBe(before);
  });

  it('answers NOT_FOUND for a well-formed key keyops never issued', async () => {
    const key = mintKey({ prefix: 'ko', envTag: 'test' });
    expect((await verify({ key })).json).toMatchObject({ valid: false, code: 'NOT_FOUND', keyId: null });
    // Another deployment's prefix is not ours either.
    expect((await verify({ key: mintKey({ prefix: 'zz', envTag: 'test' }) })).json).toMatchObject({ code: 'NOT_FOUND' });
  });

  it('answers VALID with the key id, owner, environment, scopes and expiry', async () => {
    const { key, id, expiresAt } = await storeKey({ environment: 'production' });
    const { status, json } = await verify({ key });
    expect(status).toBe(200);
    expect(json).toEqual({ valid: true, code: 'VALID', keyId: id, owner: 'U0OWNER', environment: 'production', scopes: ['read', 'write'], expiresAt: expiresAt.toISOString() });
  });

  it('tells whoever holds a refused key which key it is, and nothing about its owner, scopes or expiry', async () => {
    for (const [options, code] of [[{ status: 'REVOKED' }, 'REVOKED'], [{ status: 'PENDING_REVEAL' }, 'PENDING'], [{ expiresInMs: -1000 }, 'EXPIRED']] as const) {
      const { key, id } = await storeKey(options);
      expect((await verify({ key })).json).toEqual({ valid: false, code, keyId: id });
    }
    expect((await verify({ key: mintKey({ prefix: 'ko', envTag: 'test' }) })).json).toEqual({ valid: false, code: 'NOT_FOUND', keyId: null });
  });

  it('answers REVOKED, PENDING and EXPIRED for keys in those states', async () => {
    expect((await verify({ key: (await storeKey({ status: 'REVOKED' })).key })).json).toMatchObject({ valid: false, code: 'REVOKED' });
    expect((await verify({ key: (await storeKey({ status: 'PENDING_REVEAL' })).key })).json).toMatchObject({ valid: false, code: 'PENDING' });
    expect((await verify({ key: (await storeKey({ expiresInMs: -1000 })).key })).json).toMatchObject({ valid: false, code: 'EXPIRED' });
    expect((await verify({ key: (await storeKey({ status: 'EXPIRED' })).key })).json).toMatchObject({ valid: false, code: 'EXPIRED' });
  });

  it('answers each of many verifications arriving together with its own key', async () => {
    const valid = await storeKey();
    const revoked = await storeKey({ status: 'REVOKED' });
    const unknown = mintKey({ prefix: 'ko', envTag: 'test' });
    const keys = [valid.key, revoked.key, unknown, valid.key, revoked.key, unknown];
    const answers = await Promise.all(keys.map((key) => verify({ key })));
    expect(answers.map((a) => [a.json.code, a.json.keyId])).toEqual([
      ['VALID', valid.id], ['REVOKED', revoked.id], ['NOT_FOUND', null],
      ['VALID', valid.id], ['REVOKED', revoked.id], ['NOT_FOUND', null],
    ]);
  });

  it('records the last use of a verified key in a batch', async () => {
    const { key, id } = await storeKey();
    const before = Date.now();
    await verify({ key });
    expect((await db.apiKey.findUniqueOrThrow({ where: { id } })).lastUsedAt).toBeNull();
    await usage.flush();
    const lastUsedAt = (await db.apiKey.findUniqueOrThrow({ where: { id } })).lastUsedAt;
    expect(lastUsedAt?.getTime()).toBeGreaterThanOrEqual(before - 5);
    expect(lastUsedAt?.getTime()).toBeLessThanOrEqual(Date.now() + 5);
  });

  it('counts requests per key and minute in batches, adding to what other processes wrote', async () => {
    const { key, id } = await storeKey();
    const revoked = await storeKey({ status: 'REVOKED' });
    for (let i = 0; i < 5; i++) await verify({ key });
    await verify({ key: revoked.key });
    expect(await db.keyUsageMinute.count({ where: { keyId: id } })).toBe(0);
    await usage.flush();
    // Another API process counted 3 requests in the same minute.
    const [row] = await db.keyUsageMinute.findMany({ where: { keyId: id } });
    await db.$executeRaw`INSERT INTO key_usage_minutes (key_id, minute, requests) VALUES (${id}, ${row?.minute}, 3)
      ON CONFLICT (key_id, minute) DO UPDATE SET requests = key_usage_minutes.requests + excluded.requests`;
    await verify({ key });
    await usage.flush();
    const rows = await db.keyUsageMinute.findMany({ where: { keyId: id } });
    expect(rows.reduce((sum, r) => sum + r.requests, 0)).toBe(9);
    expect(rows.every((r) => r.minute.getUTCSeconds() === 0 && r.minute.getUTCMilliseconds() === 0)).toBe(true);
    // A revoked key's attempts are counted (someone still uses it) but are not a "use".
    expect((await db.keyUsageMinute.findMany({ where: { keyId: revoked.id } })).map((r) => r.requests)).toEqual([1]);
    expect((await db.apiKey.findUniqueOrThrow({ where: { id: revoked.id } })).lastUsedAt).toBeNull();
  });

  it('keeps what it could not write and writes it with the next flush', async () => {
    const { id } = await storeKey();
    const flaky = withWritesFailing(db);
    const recorder = createUsageRecorder({ db: flaky.db, log, intervalMs: 60_000 });
    const usedAt = new Date();
    recorder.record({ keyId: id, at: usedAt, valid: true });
    recorder.record({ keyId: id, at: usedAt, valid: true });
    await recorder.flush();
    expect(await db.keyUsageMinute.count({ where: { keyId: id } })).toBe(0);
    flaky.restore();
    recorder.record({ keyId: id, at: usedAt, valid: true });
    await recorder.stop();
    expect((await db.keyUsageMinute.findMany({ where: { keyId: id } })).map((r) => r.requests)).toEqual([3]);
    expect((await db.apiKey.findUniqueOrThrow({ where: { id } })).lastUsedAt?.getTime()).toBe(usedAt.getTime());
  });
});

describe('GET /healthz', () => {
  afterEach(() => healthChecks.splice(0));

  it('answers 200 when every dependency answers and 503 naming the one that does not', async () => {
    healthChecks.push({ name: 'database', check: async () => void (await db.$queryRaw`SELECT 1`) });
    expect((await fetch(`${baseUrl}/healthz`)).status).toBe(200);
    healthChecks.push({ name: 'temporal', check: async () => Promise.reject(new Error('connection refused')) });
    const res = await fetch(`${baseUrl}/healthz`);
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({ status: 'unavailable', checks: { database: 'ok', temporal: 'unavailable' } });
  });

  it('reports what only slows it down as degraded, and stays healthy', async () => {
    healthChecks.push({ name: 'database', check: async () => undefined });
    healthChecks.push({ name: 'verifyCache', critical: false, check: async () => Promise.reject(new Error('key change listener not subscribed')) });
    const res = await fetch(`${baseUrl}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok', checks: { database: 'ok', verifyCache: 'degraded' } });
  });

  it('leaves liveness (GET /livez) at 200 while a dependency is down: restarting would not bring it back', async () => {
    healthChecks.push({ name: 'database', check: async () => Promise.reject(new Error('connection refused')) });
    expect((await fetch(`${baseUrl}/healthz`)).status).toBe(503);
    const res = await fetch(`${baseUrl}/livez`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok' });
  });
});
