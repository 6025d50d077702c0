/**
 * Per-key rate limits and monthly quotas: the same behaviour in-process and in Redis (the real
 * Redis at REDIS_URL or 127.0.0.1:6379), on a controlled clock; verify's RATE_LIMITED answer;
 * verification staying up when Redis is down; quota notices sent once per threshold.
 */
import { randomBytes } from 'node:crypto';
import { createQuotaNotices } from '../../api/quotaNotices';
import { createLocalRateLimiter, type RateLimiter } from '../../api/rateLimiter';
import { createRedisRateLimiter } from '../../api/redisRateLimiter';
import { verifyKey, type VerifyDeps } from '../../api/verify';
import { loadPolicy } from '../../config/policyFile';
import { mintKey } from '../../domain/keyFormat';
import { hashKey } from '../../domain/keyHash';
import type { RateLimit } from '../../domain/policy';
import { createLogger } from '../../runtime/log';
import { useTestDb } from '../support/databases';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const log = createLogger({ name: 'test', sink: () => undefined });
const LIMITS: RateLimit = { perSecond: 2, burst: 3, monthlyQuota: 5 };
const T0 = new Date('2026-11-30T23:59:50.000Z');
const at = (ms: number): Date => new Date(T0.getTime() + ms);
/** Fresh ids per run: Redis outlives test runs. */
const newKeyId = (): string => `key_${randomBytes(8).toString('hex')}`;

const limiters: Array<[string, () => Promise<RateLimiter>]> = [
  ['in-process', () => Promise.resolve(createLocalRateLimiter())],
  ['redis', () => createRedisRateLimiter({ url: REDIS_URL, log })],
];

describe.each(limiters)('%s rate limiter', (_name, create) => {
  let limiter: RateLimiter;
  beforeAll(async () => void (limiter = await create()));
  afterAll(() => limiter.close());

  it('allows a burst, then refuses until a token refills, and says when', async () => {
    const keyId = newKeyId();
    const answers = [];
    for (let i = 0; i < 4; i++) answers.push(await limiter.take({ keyId, limits: LIMITS, now: T0 }));
    expect(answers.map((a) => [a.allowed, a.rate.remaining])).toEqual([[true, 2], [true, 1], [true, 0], [false, 0]]);
    expect(answers[3]).toMatchObject({ refusedBy: 'rate', rate: { limit: 3, reset: at(500) } });
    // Half a second later one token (2 a second) is back: one more, not two.
    expect((await limiter.take({ keyId, limits: LIMITS, now: at(500) })).allowed).toBe(true);
    expect((await limiter.take({ keyId, limits: LIMITS, now: at(500) })).allowed).toBe(false);
  });

  it('refuses once the monthly quota is used, until next month', async () => {
    const keyId = newKeyId();
    const seen = [];
    for (let i = 0; i < 7; i++) seen.push(await limiter.take({ keyId, limits: LIMITS, now: at(i * 1000) }));
    expect(seen.map((d) => d.allowed)).toEqual([true, true, true, true, true, false, false]);
    expect(seen[4]?.quota).toEqual({ limit: 5, used: 5, remaining: 0, reset: new Date('2026-12-01T00:00:00.000Z') });
    expect(seen[5]).toMatchObject({ refusedBy: 'quota' });
    // T0 is ten seconds before December: a new month, a new quota.
    expect(await limiter.take({ keyId, limits: LIMITS, now: at(20_000) })).toMatchObject({ allowed: true, quota: { used: 1 } });
  });
});

describe('in-process rate limiter after a restart', () => {
  it('starts each key\'s month from what the store counted, asking once per key and month', async () => {
    const asked: Array<[string, string]> = [];
    const limiter = createLocalRateLimiter({ monthToDate: (keyId, monthStart) => (asked.push([keyId, monthStart.toISOString()]), Promise.resolve(3)) });
    const keyId = newKeyId();
    // The answer arrives after the first request: that one counts from zero and is added to it.
    expect(limiter.takeNow({ keyId, limits: LIMITS, now: T0 }).quota.used).toBe(1);
    await new Promise((resolve) => setImmediate(resolve));
    expect(limiter.takeNow({ keyId, limits: LIMITS, now: at(1000) })).toMatchObject({ allowed: true, quota: { used: 5, remaining: 0 } });
    expect(limiter.takeNow({ keyId, limits: LIMITS, now: at(2000) })).toMatchObject({ allowed: false, refusedBy: 'quota' });
    expect(asked).toEqual([[keyId, '2026-11-01T00:00:00.000Z']]);
  });
});

describe('redis rate limiter', () => {
  it('holds one limit for every process that shares the Redis', async () => {
    const [a, b] = [await createRedisRateLimiter({ url: REDIS_URL, log }), await createRedisRateLimiter({ url: REDIS_URL, log })];
    const keyId = newKeyId();
    const answers = [];
    for (let i = 0; i < 6; i++) answers.push((await (i % 2 ? b : a).take({ keyId, limits: LIMITS, now: T0 })).allowed);
    expect(answers).toEqual([true, true, true, false, false, false]);
    await a.close();
    await b.close();
  });

  it('keeps verifying when Redis is unreachable, enforcing limits in this process', async () => {
    const limiter = await createRedisRateLimiter({ url: 'redis://127.0.0.1:1', log, connectTimeoutMs: 200 });
    const keyId = newKeyId();
    const answers = [];
    for (let i = 0; i < 4; i++) answers.push((await limiter.take({ keyId, limits: LIMITS, now: T0 })).allowed);
    expect(answers).toEqual([true, true, true, false]);
    await limiter.close();
  });
});

describe('verify with limits', () => {
  const { policy: base } = loadPolicy(undefined);
  const policy = { ...base, rateLimits: { test: LIMITS } };
  const SECRET = 'test-hash-secret-that-is-long-enough-000';
  const key = mintKey({ prefix: policy.keyPrefix, envTag: 'test' });
  const record = { id: newKeyId(), ownerId: 'U0OWNER', environment: 'test', scopes: ['read'], status: 'ACTIVE' as const, expiresAt: new Date('2027-01-01T00:00:00Z') };

  it('answers RATE_LIMITED with the limit, what remains and when it resets', async () => {
    const deps: VerifyDeps = { findKey: (hash) => Promise.resolve(hash === hashKey({ key, secret: SECRET }) ? record : null), policy, keyHashSecret: SECRET, clock: () => T0, limiter: createLocalRateLimiter() };
    const answers = [];
    for (let i = 0; i < 4; i++) answers.push(await verifyKey(deps, key));
    expect(answers[0]).toMatchObject({ valid: true, code: 'VALID', rateLimit: { limit: 3, remaining: 2 }, quota: { limit: 5, remaining: 4, reset: '2026-12-01T00:00:00.000Z' } });
    expect(answers[3]).toEqual({
      valid: false, code: 'RATE_LIMITED', keyId: record.id,
      rateLimit: { limit: 3, remaining: 0, reset: at(500).toISOString() },
      quota: { limit: 5, remaining: 2, reset: '2026-12-01T00:00:00.000Z' },
    });
  });

  it('does not spend limits on a key that is not valid anyway', async () => {
    const limiter = createLocalRateLimiter();
    const revoked = { ...record, status: 'REVOKED' as const };
    const deps: VerifyDeps = { findKey: () => Promise.resolve(revoked), policy, keyHashSecret: SECRET, clock: () => T0, limiter };
    for (let i = 0; i < 5; i++) expect(await verifyKey(deps, key)).toMatchObject({ code: 'REVOKED' });
    expect(limiter.takeNow({ keyId: record.id, limits: LIMITS, now: T0 }).quota.used).toBe(1);
  });
});

describe('quota notices', () => {
  const store = useTestDb();

  it('tells the owner once at 80% and once at 100% of the month, however many processes see it', async () => {
    const keyId = newKeyId();
    await store.db.apiKey.create({ data: { id: keyId, ownerId: 'U0OWNER', name: 'billing-sync', environment: 'test', scopes: ['read'], status: 'ACTIVE', maskedKey: 'ko_test_…3f8a', expiresAt: new Date('2027-01-01T00:00:00Z') } });
    const posted: Array<{ channel: string; text: string }> = [];
    const slack = { openDm: ({ user }: { user: string }) => Promise.resolve(`D-${user}`), postMessage: (m: { channel: string; text: string }) => (posted.push(m), Promise.resolve({ channel: m.channel, ts: '1' })) };
    const processes = [createQuotaNotices({ db: store.db, slack, log }), createQuotaNotices({ db: store.db, slack, log })];
    const now = new Date('2026-11-15T10:00:00Z');
    for (let used = 1; used <= 10; used++) {
      for (const notices of processes) notices.observe({ keyId, ownerId: 'U0OWNER', used, quota: 10, now });
      await Promise.all(processes.map((p) => p.settled()));
    }
    expect(posted.map((m) => m.channel)).toEqual(['D-U0OWNER', 'D-U0OWNER']);
    expect(posted[0]?.text).toContain('80% of its monthly quota (8 of 10 requests this month)');
    expect(posted[1]?.text).toContain('used its whole monthly quota (10 of 10 requests this month)');
    expect(posted[0]?.text).toContain('billing-sync');
    // Next month counts afresh.
    const later = createQuotaNotices({ db: store.db, slack, log });
    later.observe({ keyId, ownerId: 'U0OWNER', used: 9, quota: 10, now: new Date('2026-12-02T10:00:00Z') });
    await later.settled();
    expect(posted).toHaveLength(3);
  });

  it('tries again on a later verification when Slack could not be reached', async () => {
    const keyId = newKeyId();
    await store.db.apiKey.create({ data: { id: keyId, ownerId: 'U0OWNER', name: 'flaky', environment: 'test', scopes: ['read'], status: 'ACTIVE', expiresAt: new Date('2027-01-01T00:00:00Z') } });
    let down = true;
    const posted: string[] = [];
    const slack = {
      openDm: () => (down ? Promise.reject(new Error('slack down')) : Promise.resolve('D1')),
      postMessage: (m: { channel: string; text: string }) => (posted.push(m.text), Promise.resolve({ channel: m.channel, ts: '1' })),
    };
    const notices = createQuotaNotices({ db: store.db, slack, log });
    const now = new Date('2026-11-15T10:00:00Z');
    notices.observe({ keyId, ownerId: 'U0OWNER', used: 8, quota: 10, now });
    await notices.settled();
    expect(posted).toHaveLength(0);
    down = false;
    notices.observe({ keyId, ownerId: 'U0OWNER', used: 8, quota: 10, now });
    await notices.settled();
    expect(posted).toHaveLength(1);
    // The failed try left no trace in the append-only audit log; the sent notice is audited once.
    expect(await store.db.auditEvent.count({ where: { targetId: keyId, action: 'key.quota_notice' } })).toBe(1);
  });
});
