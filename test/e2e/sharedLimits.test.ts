/**
 * Per-key limits with REDIS_URL across two real verification API processes (the production entry
 * point): a monthly quota spent through either process is spent for both, and the owner is told
 * once at 80% and once at 100%, though both processes see the key cross. The policy file gives the
 * test environment a quota of 10 and a bucket no test can drain, so nothing depends on timing.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Redis from 'ioredis';
import { startApiProcess, type ApiProcess } from '../support/apiProcess';
import { eventually } from '../support/eventually';
import { dmChannelFor } from '../../playground/slack/ids';
import { SIGNING_SECRET, startHarness, type Harness } from '../support/keyopsHarness';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const QUOTA = 10;

let h: Harness;
let apis: ApiProcess[] = [];

beforeAll(async () => {
  h = await startHarness();
  const policyFile = path.join(mkdtempSync(path.join(tmpdir(), 'keyops-limits-')), 'policy.yaml');
  const policy = readFileSync(path.resolve(__dirname, '../../policy.example.yaml'), 'utf8').replace(/^ {2}test: +\{[^}]*\}/m, `  test: { perSecond: 1000, burst: 1000, monthlyQuota: ${QUOTA} }`);
  expect(policy).toContain(`monthlyQuota: ${QUOTA} }`);
  writeFileSync(policyFile, policy);
  const env = { REDIS_URL, POLICY_FILE: policyFile, SLACK_BOT_TOKEN: h.fake.botToken, SLACK_SIGNING_SECRET: SIGNING_SECRET, SLACK_API_URL: h.fake.apiUrl };
  apis = await Promise.all([1, 2].map(() => startApiProcess({ databaseUrl: h.databaseUrl, temporalAddress: h.temporal.address, env })));
}, 120_000);

afterAll(async () => {
  await Promise.all(apis.map((api) => api.stop()));
  await h?.stop();
});

describe('limits with REDIS_URL across API processes', () => {
  it('spends one monthly quota through both processes and then answers RATE_LIMITED from both', async () => {
    const owner = `U0Q${randomBytes(3).toString('hex').toUpperCase()}`;
    const seeded = await h.seedKey({ ownerId: owner, name: 'Quota test', environment: 'test' });
    const answers = [];
    for (let i = 0; i < QUOTA + 4; i++) answers.push(await (apis[i % 2] as ApiProcess).verify(seeded.key));
    expect(answers.map((a) => a.code)).toEqual([...Array(QUOTA).fill('VALID'), ...Array(4).fill('RATE_LIMITED')]);
    expect(answers[QUOTA - 1]).toMatchObject({ quota: { limit: QUOTA, remaining: 0 } });
    const reset = new Date(Date.UTC(new Date().getUTCFullYear(), new Date().getUTCMonth() + 1, 1)).toISOString();
    expect(answers[QUOTA]).toMatchObject({ valid: false, keyId: seeded.id, rateLimit: { limit: QUOTA, remaining: 0, reset } });

    // Both processes saw 80% and 100%; the owner hears of each once.
    const dms = (): string[] => h.fake.messages({ channelId: dmChannelFor(owner) }).map((m) => m.text ?? '');
    await eventually(async () => dms().length >= 2, { timeoutMs: 10_000, what: 'two quota notices' });
    const more = await Promise.all(apis.map((api) => api.verify(seeded.key)));
    expect(more.map((a) => a.code)).toEqual(['RATE_LIMITED', 'RATE_LIMITED']);
    const texts = dms();
    expect(texts).toHaveLength(2);
    // The notice gives the count its process saw; the other process may have won the claim at 9.
    expect(texts.find((t) => t.includes('80% of its monthly quota'))).toMatch(/\((8|9) of 10 requests this month\)/);
    expect(texts.find((t) => t.includes('whole monthly quota'))).toContain('10 of 10 requests this month');
    expect(await h.db.auditEvent.count({ where: { action: 'key.quota_notice', targetId: seeded.id } })).toBe(2);
  });

  it('counts each key\'s month in one Redis counter that every process adds to', async () => {
    const seeded = await h.seedKey({ ownerId: 'U0QUOTA02', environment: 'test' });
    await (apis[0] as ApiProcess).verify(seeded.key);
    await (apis[1] as ApiProcess).verify(seeded.key);
    const redis = new Redis(REDIS_URL);
    const month = new Date().toISOString().slice(0, 7);
    expect(await redis.get(`keyops:quota:{${seeded.id}}:${month}`)).toBe('2');
    redis.disconnect();
  });
});
