/**
 * Floods of failed verifications cost the flooder, over real HTTP against the real PostgreSQL:
 * past its budget of failures an address is answered 429 with Retry-After for every further
 * failure (an unknown or malformed key, a wrong bearer token), while valid keys from the same
 * address, and any answer to another address, go on as always.
 */
import http from 'node:http';
import { loadPolicy } from '../../config/policyFile';
import { mintKey } from '../../domain/keyFormat';
import { createLogger } from '../../runtime/log';
import { startApiServer, type ApiServer } from '../support/apiServer';
import { seedKeys, type SeededKey } from '../support/seedKeys';

const SECRET = 'test-hash-secret-that-is-long-enough-000';
const TOKEN = 'verify-token-0123456789';
const BURST = 5;
// A failure earned back every 4 s: a loaded machine cannot earn one back while the burst is spent.
const { policy } = loadPolicy(undefined);
const log = createLogger({ name: 'test', sink: () => undefined });

let api: ApiServer;
let valid: SeededKey;
let revoked: SeededKey;

beforeAll(async () => {
  api = await startApiServer({ policy, keyHashSecret: SECRET, verifyApiToken: TOKEN, log, failureThrottle: { burst: BURST, perSecond: 0.25 } });
  [valid, revoked] = (await seedKeys(api.db, { policy, keyHashSecret: SECRET, keys: [{ ownerId: 'U0OWNER', environment: 'production' }, { ownerId: 'U0OWNER', status: 'REVOKED' }] })) as [SeededKey, SeededKey];
});

afterAll(async () => {
  await api.stop();
});

interface Answer {
  status: number;
  retryAfter: string | undefined;
  json: Record<string, unknown>;
}

/** POST /v1/keys/verify from a given loopback address (every 127.x.y.z is this machine). */
function verifyFrom(from: string, key: string, token = TOKEN): Promise<Answer> {
  const body = JSON.stringify({ key });
  return new Promise((resolve, reject) => {
    const req = http.request(
      `${api.baseUrl}/v1/keys/verify`,
      { method: 'POST', localAddress: from, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, retryAfter: res.headers['retry-after'], json: JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown> }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

const randomKey = (): string => mintKey({ prefix: policy.keyPrefix, envTag: 'test' });

describe('failed verifications from one address', () => {
  it('are answered until the budget is spent, then 429 with Retry-After; valid keys and other addresses are not slowed', async () => {
    const flooder = '127.0.0.2';
    for (let i = 0; i < BURST; i++) expect(await verifyFrom(flooder, randomKey())).toMatchObject({ status: 200, json: { code: 'NOT_FOUND' } });

    const refused = await verifyFrom(flooder, randomKey());
    expect(refused.status).toBe(429);
    expect(Number(refused.retryAfter)).toBeGreaterThanOrEqual(1);
    expect(refused.json).toMatchObject({ error: 'too_many_failures' });
    expect((await verifyFrom(flooder, 'ko_test_not-a-key')).status).toBe(429);
    expect((await verifyFrom(flooder, valid.key, 'a-wrong-token-0123456789')).status).toBe(429);

    // The same address's valid traffic is answered as always, and so are keys it found.
    for (let i = 0; i < 10; i++) expect(await verifyFrom(flooder, valid.key)).toMatchObject({ status: 200, json: { code: 'VALID', keyId: valid.id } });
    expect(await verifyFrom(flooder, revoked.key)).toMatchObject({ status: 200, json: { code: 'REVOKED' } });
    // Another address has its own budget.
    expect(await verifyFrom('127.0.0.3', randomKey())).toMatchObject({ status: 200, json: { code: 'NOT_FOUND' } });

    // After waiting as told, the flooder's failures are answered again.
    await new Promise((r) => setTimeout(r, Number(refused.retryAfter) * 1000 + 100));
    expect(await verifyFrom(flooder, randomKey())).toMatchObject({ status: 200, json: { code: 'NOT_FOUND' } });
  });

  it('counts wrong bearer tokens as failures too: guessing the token is throttled', async () => {
    const guesser = '127.0.0.4';
    for (let i = 0; i < BURST; i++) expect((await verifyFrom(guesser, valid.key, `guess-${i}-0123456789`)).status).toBe(401);
    expect((await verifyFrom(guesser, valid.key, 'guess-x-0123456789')).status).toBe(429);
    expect(await verifyFrom(guesser, valid.key)).toMatchObject({ status: 200, json: { code: 'VALID' } });
  });
});
