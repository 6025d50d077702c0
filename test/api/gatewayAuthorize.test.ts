/**
 * GET /v1/gateway/authorize over real HTTP against the real PostgreSQL: what a gateway is told
 * for each kind of key, and what it may pass upstream. (The real nginx and Caddy run in
 * test/e2e/gateways.test.ts.)
 */
import { loadPolicy } from '../../config/policyFile';
import { mintKey } from '../../domain/keyFormat';
import { createLogger } from '../../runtime/log';
import { startApiServer, type ApiServer } from '../support/apiServer';
import { seedKeys } from '../support/seedKeys';

const SECRET = 'test-hash-secret-that-is-long-enough-000';
const TOKEN = 'verify-token-0123456789';
const { policy } = loadPolicy(undefined);
const log = createLogger({ name: 'test', sink: () => undefined });

let api: ApiServer;

beforeAll(async () => {
  api = await startApiServer({ policy, keyHashSecret: SECRET, verifyApiToken: TOKEN, log, failureThrottle: { burst: 3, perSecond: 0.1 }, limits: true });
});

afterAll(async () => {
  await api.stop();
});

const seed = async (options: { status?: 'ACTIVE' | 'REVOKED'; scopes?: string[] } = {}) =>
  (await seedKeys(api.db, { policy, keyHashSecret: SECRET, keys: [{ ownerId: 'U0OWNER', environment: 'production', scopes: options.scopes ?? ['read', 'write'], status: options.status ?? 'ACTIVE' }] }))[0] as { id: string; key: string };

async function authorize(headers: Record<string, string>, method = 'GET') {
  const res = await fetch(`${api.baseUrl}/v1/gateway/authorize`, { method, headers: { 'x-keyops-gateway-token': TOKEN, ...headers } });
  const text = await res.text();
  return { status: res.status, headers: res.headers, json: text ? (JSON.parse(text) as Record<string, unknown>) : null };
}

describe('GET /v1/gateway/authorize', () => {
  it('answers 200 with the identity and RateLimit headers, from a bearer key or X-API-Key, for any method', async () => {
    const { id, key } = await seed();
    for (const [headers, method] of [[{ authorization: `Bearer ${key}` }, 'GET'], [{ 'x-api-key': key }, 'POST'], [{ 'x-api-key': key }, 'HEAD']] as const) {
      const answer = await authorize(headers, method);
      expect(answer.status).toBe(200);
      expect(Object.fromEntries([...answer.headers].filter(([name]) => name.startsWith('x-keyops-')))).toEqual({
        'x-keyops-key-id': id,
        'x-keyops-owner': 'U0OWNER',
        'x-keyops-environment': 'production',
        'x-keyops-scopes': 'read,write',
      });
      expect(answer.headers.get('ratelimit-limit')).toBe('400');
      expect(Number(answer.headers.get('ratelimit-remaining'))).toBeLessThan(400);
      expect(Number(answer.headers.get('ratelimit-reset'))).toBeGreaterThanOrEqual(1);
    }
  });

  it('refuses a gateway without the token with 401', async () => {
    const { key } = await seed();
    const answer = await authorize({ authorization: `Bearer ${key}`, 'x-keyops-gateway-token': 'not-the-token-0123456789' });
    expect(answer.status).toBe(401);
    expect(answer.headers.get('x-keyops-key-id')).toBeNull();
  });

  it('answers 401 for no key, a malformed or an unknown one; 403 for a revoked key or a missing scope, naming no owner', async () => {
    const revoked = await seed({ status: 'REVOKED' });
    const reader = await seed({ scopes: ['read'] });
    const source = { 'x-forwarded-for': '198.51.100.1' };
    expect(await authorize({ ...source })).toMatchObject({ status: 401, json: { code: 'MISSING_KEY' } });
    expect(await authorize({ ...source, authorization: 'Bearer nope' })).toMatchObject({ status: 401, json: { code: 'MALFORMED' } });
    expect(await authorize({ ...source, 'x-api-key': mintKey({ prefix: 'ko', envTag: 'live' }) })).toMatchObject({ status: 401, json: { code: 'NOT_FOUND' } });
    const refused = await authorize({ 'x-api-key': revoked.key });
    expect(refused).toMatchObject({ status: 403, json: { error: 'forbidden', code: 'REVOKED' } });
    expect(refused.headers.get('x-keyops-owner')).toBeNull();
    expect(await authorize({ 'x-api-key': reader.key, 'x-keyops-required-scopes': 'read, admin' })).toMatchObject({ status: 403, json: { code: 'MISSING_SCOPE' } });
    expect((await authorize({ 'x-api-key': reader.key, 'x-keyops-required-scopes': 'read' })).status).toBe(200);
    expect((await authorize({ 'x-api-key': reader.key, 'x-keyops-required-scopes': 'no spaces allowed' })).status).toBe(400);
  });

  it('throttles failures per caller as the gateway names it, never the callers with valid keys', async () => {
    const { key } = await seed();
    const flooder = { 'x-forwarded-for': '203.0.113.7' };
    for (let i = 0; i < 3; i++) expect((await authorize({ ...flooder, authorization: 'Bearer nope' })).status).toBe(401);
    const throttled = await authorize({ ...flooder, authorization: 'Bearer nope' });
    expect(throttled.status).toBe(429);
    expect(Number(throttled.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect((await authorize({ ...flooder, authorization: `Bearer ${key}` })).status).toBe(200);
    // Another caller behind the same gateway is not the flooder.
    expect((await authorize({ 'x-forwarded-for': '203.0.113.8', authorization: 'Bearer nope' })).status).toBe(401);
  });
});
