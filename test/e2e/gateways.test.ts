/**
 * keyops in front of an API through the real nginx (`auth_request`) and the real Caddy
 * (`forward_auth`), configured with the files in examples/gateways/: a caller with a key reaches
 * the API, which learns whose key it was; a caller without one, or with a bad, revoked,
 * insufficient or over-used key does not. The API process is keyops's own (the verify service with
 * its cache, change listener, limits and usage recorder) on the real PostgreSQL.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { createApiRoutes } from '../../api/routes';
import { startVerifyService, type VerifyService } from '../../api/verifyService';
import { loadPolicy } from '../../config/policyFile';
import { createDb, type Db } from '../../db/client';
import { commitRevocation } from '../../db/revocations';
import { mintKey } from '../../domain/keyFormat';
import { startHttpServer, type RunningHttpServer } from '../../runtime/httpServer';
import { createLogger } from '../../runtime/log';
import { createTestDatabase, type TestDatabase } from '../support/databases';
import { startCaddy, startNginx, type RunningGateway } from '../support/gateways';
import { seedKeys } from '../support/seedKeys';

const SECRET = 'test-hash-secret-that-is-long-enough-000';
const TOKEN = 'gateway-token-0123456789';
const { policy } = loadPolicy(undefined);
const log = createLogger({ name: 'test', sink: () => undefined });

let database: TestDatabase;
let db: Db;
let service: VerifyService;
let keyops: RunningHttpServer;
let upstream: http.Server;
/** What the protected API saw: the headers of each request that reached it, by the test's call id. */
const reached = new Map<string, http.IncomingHttpHeaders>();
let calls = 0;

beforeAll(async () => {
  database = await createTestDatabase();
  db = createDb({ databaseUrl: database.url });
  service = await startVerifyService({ db, databaseUrl: database.url, policy, keyHashSecret: SECRET, clock: () => new Date(), log, usageFlushMs: 60_000 });
  const routes = createApiRoutes({ verify: service.deps, verifyApiToken: TOKEN, healthChecks: [], log });
  keyops = await startHttpServer({ port: 0, host: '127.0.0.1', routes, slack: null, log });
  upstream = http.createServer((req, res) => {
    reached.set(String(req.headers['x-test-call']), req.headers);
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"hello":"from the API"}');
  });
  await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
});

afterAll(async () => {
  await keyops?.close();
  await service?.stop();
  await new Promise((resolve) => upstream?.close(resolve));
  await db?.$disconnect();
  await database?.drop();
});

const seed = async (options: { scopes?: string[]; environment?: string } = {}) =>
  (await seedKeys(db, { policy, keyHashSecret: SECRET, keys: [{ ownerId: 'U0OWNER', environment: options.environment ?? 'production', scopes: options.scopes ?? ['read'] }] }))[0] as { id: string; key: string };

describe.each([
  ['nginx', startNginx],
  ['Caddy', startCaddy],
] as const)('%s in front of an API', (_name, start) => {
  let gateway: RunningGateway;

  beforeAll(async () => {
    gateway = await start({ keyops: `127.0.0.1:${keyops.port}`, upstream: `127.0.0.1:${(upstream.address() as AddressInfo).port}`, token: TOKEN });
  });

  afterAll(async () => {
    await gateway?.stop();
  });

  const call = async (path: string, headers: Record<string, string> = {}) => {
    const callId = String(++calls);
    const res = await fetch(`${gateway.url}${path}`, { headers: { ...headers, 'x-test-call': callId } });
    const body = await res.text();
    return { status: res.status, headers: res.headers, body, upstream: reached.get(callId) };
  };

  it('lets a valid key through and tells the API whose key it is, whatever the caller claims', async () => {
    const { id, key } = await seed({ scopes: ['read', 'write'] });
    const answer = await call('/things', { authorization: `Bearer ${key}`, 'x-keyops-owner': 'U0SPOOFED', 'x-keyops-caller': 'spoofed' });
    expect(answer).toMatchObject({ status: 200, body: '{"hello":"from the API"}' });
    expect(answer.upstream).toMatchObject({ 'x-keyops-key-id': id, 'x-keyops-owner': 'U0OWNER', 'x-keyops-environment': 'production', 'x-keyops-scopes': 'read,write' });
    // The gateway's credential is between the gateway and keyops.
    expect(JSON.stringify(answer.upstream)).not.toContain(TOKEN);
    expect((await call('/things', { 'x-api-key': key })).upstream).toMatchObject({ 'x-keyops-key-id': id });
    // nginx's example passes the key's limits on to the caller (Caddy's forward_auth cannot).
    if (gateway.name === 'nginx') expect(answer.headers.get('ratelimit-limit')).toBe('400');
    // The key's first call, as its owner will read it in Slack, names the gateway (the example's X-Keyops-Caller).
    await service.usage.flush();
    expect(await db.apiKey.findUniqueOrThrow({ where: { id }, select: { firstCallVia: true, firstCallCaller: true, firstCallOutcome: true } })).toEqual({ firstCallVia: 'gateway', firstCallCaller: gateway.name, firstCallOutcome: 'VALID' });
  });

  it('refuses a missing, malformed or unknown key with 401 before the API sees it', async () => {
    for (const headers of [{} as Record<string, string>, { authorization: 'Bearer not-a-key' }, { 'x-api-key': mintKey({ prefix: policy.keyPrefix, envTag: 'live' }) }]) {
      const answer = await call('/things', headers);
      expect(answer.status).toBe(401);
      expect(answer.upstream).toBeUndefined();
    }
  });

  it('refuses a key within a second of its revocation', async () => {
    const { id, key } = await seed();
    expect((await call('/things', { authorization: `Bearer ${key}` })).status).toBe(200);
    const start = performance.now();
    await commitRevocation(db, { revocationId: `rev_${id}`, scope: { kind: 'key', keyId: id }, actorId: 'U0ONCALL', reason: 'leaked', source: 'test', via: 'id', now: new Date() });
    let answer = await call('/things', { authorization: `Bearer ${key}` });
    while (answer.status === 200 && performance.now() - start < 5000) answer = await call('/things', { authorization: `Bearer ${key}` });
    expect(answer.status).toBe(403);
    expect(answer.upstream).toBeUndefined();
    expect(performance.now() - start).toBeLessThan(1000);
  });

  it('refuses a key without the scope a route requires with 403', async () => {
    const reader = await seed({ scopes: ['read'] });
    const admin = await seed({ scopes: ['read', 'admin'] });
    const refused = await call('/admin/users', { authorization: `Bearer ${reader.key}` });
    expect(refused.status).toBe(403);
    expect(refused.upstream).toBeUndefined();
    expect((await call('/admin/users', { authorization: `Bearer ${admin.key}` })).upstream).toMatchObject({ 'x-keyops-key-id': admin.id });
  });

  it('answers 429 with Retry-After once a key is over its rate limit', async () => {
    // The test environment's bucket holds 20 requests and refills 10 a second.
    const { key } = await seed({ environment: 'test' });
    const answers = await Promise.all(Array.from({ length: 40 }, () => call('/things', { authorization: `Bearer ${key}` })));
    const limited = answers.filter((a) => a.status === 429);
    expect(limited.length).toBeGreaterThan(0);
    expect(Number(limited[0]?.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(limited.every((a) => a.upstream === undefined)).toBe(true);
    expect(answers.filter((a) => a.status === 200).length).toBeGreaterThanOrEqual(20);
  });
});
