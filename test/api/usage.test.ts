/**
 * POST /v1/usage and the usage store over real HTTP against the real PostgreSQL: entries judged
 * one by one, counts rolled up to minutes, hours and days with exact percentiles, retention.
 */
import { createUsageRecorder, FLUSH_CHUNK, type UsageRecorder } from '../../api/usage';
import { pruneUsage } from '../../api/usageRetention';
import { loadPolicy } from '../../config/policyFile';
import type { Db } from '../../db/client';
import { readKeyUsage } from '../../db/keyUsage';
import { mintKey } from '../../domain/keyFormat';
import { createLogger } from '../../runtime/log';
import { startApiServer, type ApiServer } from '../support/apiServer';
import { mintStoredKey, seedKeys } from '../support/seedKeys';
import { withWritesFailing } from '../support/writesFailing';

const SECRET = 'test-hash-secret-that-is-long-enough-000';
const TOKEN = 'verify-token-0123456789';
const { policy } = loadPolicy(undefined);
const logLines: string[] = [];
const log = createLogger({ name: 'test', sink: (line) => void logLines.push(line) });
const HOUR = 3_600_000;

let api: ApiServer;
let db: Db;
let baseUrl: string;
let usage: UsageRecorder;

beforeAll(async () => {
  api = await startApiServer({ policy, keyHashSecret: SECRET, verifyApiToken: TOKEN, log, usageRoutes: true });
  ({ db, baseUrl, usage } = api);
});

afterAll(async () => {
  await api.stop();
});

async function report(body: unknown, token: string | null = TOKEN): Promise<{ status: number; json: Record<string, unknown>; text: string }> {
  const res = await fetch(`${baseUrl}/v1/usage`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, json: JSON.parse(text) as Record<string, unknown>, text };
}

let seq = 0;
async function storeKey(): Promise<{ key: string; id: string }> {
  const { key, keyHash, maskedKey } = mintStoredKey({ policy, keyHashSecret: SECRET });
  const id = `key_${String(++seq).padStart(16, '0')}`;
  await db.apiKey.create({
    data: { id, ownerId: 'U0OWNER', name: `k${seq}`, environment: 'test', scopes: ['read'], status: 'ACTIVE', keyHash, maskedKey, expiresAt: new Date(Date.now() + 86_400_000) },
  });
  return { key, id };
}

describe('POST /v1/usage', () => {
  it('refuses a missing token, and a body that is not a batch of 1 to 1,000 entries', async () => {
    expect((await report({ entries: [] }, null)).status).toBe(401);
    expect((await report({ entries: [] })).status).toBe(400);
    expect((await report([{ status: 200 }])).status).toBe(400);
    const entry = { keyId: 'key_0000000000000001', status: 200, latencyMs: 1, at: new Date().toISOString() };
    expect((await report({ entries: Array(1001).fill(entry) })).status).toBe(400);
  });

  it('keeps the good entries of a batch and names each bad one by index and reason, never repeating a key', async () => {
    const { key, id } = await storeKey();
    const now = Date.now();
    const at = new Date(now - 1000).toISOString();
    const unknownKey = mintKey({ prefix: policy.keyPrefix, envTag: 'test' });
    const { status, json, text } = await report({
      entries: [
        { keyId: id, status: 200, latencyMs: 12, at },
        { key, status: 503, latencyMs: 900, at: now - 2000 },
        { keyId: id, status: 700, latencyMs: 1, at },
        { keyId: id, status: 200, latencyMs: 1, at: new Date(now + 10 * 60_000).toISOString() },
        { keyId: id, status: 200, latencyMs: 1, at: new Date(now - 8 * 86_400_000).toISOString() },
        { keyId: 'key_ZZZZZZZZZZZZZZZZ', status: 200, latencyMs: 1, at },
        { key: unknownKey, status: 200, latencyMs: 1, at },
        { key: `${key.slice(0, -1)}${key.endsWith('x') ? 'y' : 'x'}`, status: 200, latencyMs: 1, at },
        { key, keyId: id, status: 200, latencyMs: 1, at },
        { keyId: id, status: 404, latencyMs: -1, at },
        'nonsense',
        { keyId: id, status: 404, latencyMs: 30, at },
      ],
    });
    expect(status).toBe(200);
    expect(json.accepted).toBe(3);
    expect(json.rejected).toEqual([
      { index: 2, reason: expect.stringMatching(/^status:/) },
      { index: 3, reason: 'at: in the future' },
      { index: 4, reason: 'at: older than the 7 days usage is kept per minute' },
      { index: 5, reason: expect.stringMatching(/^unknown key/) },
      { index: 6, reason: expect.stringMatching(/^unknown key/) },
      { index: 7, reason: 'key: malformed (wrong shape or checksum)' },
      { index: 8, reason: 'give exactly one of keyId or key' },
      { index: 9, reason: expect.stringMatching(/^latencyMs:/) },
      { index: 10, reason: expect.stringMatching(/^entry:/) },
    ]);
    expect(text).not.toContain(key.slice(8));
    expect(text).not.toContain(unknownKey.slice(8));

    await usage.flush();
    const usageNow = await readKeyUsage({ db, keyId: id, now: new Date() });
    expect(usageNow.last24h).toMatchObject({ requests: 0, reported: 3, errors4xx: 1, errors5xx: 1, latency: { p50: 50, p95: 1000, p99: 1000 } });
    expect(logLines.join('\n')).not.toContain(key.slice(8));
  });
});

describe('POST /v1/usage lookups', () => {
  it('looks up a whole batch of full keys in one query, not one per entry', async () => {
    const keys = await Promise.all(Array.from({ length: 40 }, () => storeKey()));
    const at = new Date().toISOString();
    const before = api.lookups();
    const { json } = await report({ entries: keys.map(({ key }) => ({ key, status: 200, latencyMs: 2, at })) });
    expect(json).toEqual({ accepted: 40, rejected: [] });
    expect(api.lookups() - before).toBe(1);
  });
});

describe('usage counted while the database is down', () => {
  it('waits in bounded memory, merging the oldest counts per key, and loses none of them', async () => {
    const [a, b] = [await storeKey(), await storeKey()];
    const flaky = withWritesFailing(db);
    const recorder = createUsageRecorder({ db: flaky.db, log, intervalMs: 60_000, maxPendingCells: 20 });
    const start = Date.now() - 2 * HOUR;
    // Two hours of traffic, a minute at a time, with a failed flush every ten minutes.
    for (let minute = 0; minute < 120; minute++) {
      for (const { id } of [a, b]) recorder.record({ keyId: id, at: new Date(start + minute * 60_000), valid: true });
      if (minute % 10 === 9) await recorder.flush();
      expect(recorder.pendingCells()).toBeLessThanOrEqual(20 + 2);
    }
    flaky.restore();
    await recorder.stop();
    for (const { id } of [a, b]) {
      const rows = await db.keyUsageMinute.findMany({ where: { keyId: id } });
      expect(rows.reduce((sum, r) => sum + r.requests, 0)).toBe(120);
      expect(rows.length).toBeLessThanOrEqual(20);
    }
  });
});

describe('a flush of many keys', () => {
  it('goes out in chunks; a chunk that fails keeps itself and the rest for the next flush, losing nothing', async () => {
    const keys = await seedKeys(db, { policy, keyHashSecret: SECRET, keys: Array.from({ length: FLUSH_CHUNK * 2 + 200 }, () => ({ ownerId: 'U0CHUNKS' })) });
    const ids = keys.map((k) => k.id).sort();
    const flaky = withWritesFailing(db, { after: 1 });
    const recorder = createUsageRecorder({ db: flaky.db, log, intervalMs: 60_000 });
    const at = new Date(Date.now() - 60_000);
    for (const id of ids) recorder.record({ keyId: id, at, valid: true });
    await recorder.flush();
    // The first chunk of last-used times (in key order) was written; the rest waits, with every count.
    const used = await db.apiKey.findMany({ where: { ownerId: 'U0CHUNKS', lastUsedAt: { not: null } }, select: { id: true }, orderBy: { id: 'asc' } });
    expect(used.map((k) => k.id)).toEqual(ids.slice(0, FLUSH_CHUNK));
    expect(recorder.pendingCells()).toBe(ids.length);

    flaky.restore();
    await recorder.stop();
    expect(await db.apiKey.count({ where: { ownerId: 'U0CHUNKS', lastUsedAt: at } })).toBe(ids.length);
    const minutes = await db.keyUsageMinute.findMany({ where: { keyId: { in: ids } } });
    expect(minutes).toHaveLength(ids.length);
    expect(minutes.every((m) => m.requests === 1)).toBe(true);
  });
});

describe('usage roll-ups', () => {
  it('adds the same counts to minutes, hours and days, and answers totals and percentiles exactly', async () => {
    const { id } = await storeKey();
    const now = new Date();
    const thisHour = now.getTime() - (now.getTime() % HOUR);
    // Two minutes in the previous hour, one in this hour; verifications plus reported outcomes.
    const earlier = new Date(thisHour - HOUR + 5 * 60_000);
    const earlierToo = new Date(thisHour - HOUR + 6 * 60_000);
    const recent = new Date(thisHour + 1000);
    for (let i = 0; i < 4; i++) usage.record({ keyId: id, at: earlier, valid: true });
    for (let i = 0; i < 6; i++) usage.record({ keyId: id, at: earlierToo, valid: true });
    for (let i = 0; i < 10; i++) usage.record({ keyId: id, at: recent, valid: true });
    // 20 outcomes: 14 fast 2xx (3 ms), 3 at 40 ms with 404, 2 at 300 ms 2xx, 1 at 3 s with 500.
    const outcomes = [...Array(14).fill([200, 3]), ...Array(3).fill([404, 40]), ...Array(2).fill([200, 300]), [500, 3000]] as Array<[number, number]>;
    outcomes.forEach(([status, latencyMs], i) => usage.recordOutcome({ keyId: id, at: i % 2 ? earlier : recent, status, latencyMs }));
    await usage.flush();
    // A second process's flush into the same rows adds, bucket by bucket.
    usage.recordOutcome({ keyId: id, at: recent, status: 200, latencyMs: 3 });
    await usage.flush();

    expect((await db.keyUsageMinute.findMany({ where: { keyId: id }, orderBy: { minute: 'asc' } })).map((r) => r.requests)).toEqual([4, 6, 10]);
    // Odd outcomes went to the earlier hour (one 404, one 500), even ones to this hour (two 404s).
    expect((await db.keyUsageHour.findMany({ where: { keyId: id }, orderBy: { hour: 'asc' } })).map((r) => [r.requests, r.errors4xx, r.errors5xx])).toEqual([[10, 1, 1], [10, 2, 0]]);
    const dayRows = await db.keyUsageDay.findMany({ where: { keyId: id } });
    expect(dayRows.reduce((sum, r) => sum + r.requests, 0)).toBe(20);
    expect(dayRows.reduce((sum, r) => sum + r.errors4xx, 0)).toBe(3);

    const result = await readKeyUsage({ db, keyId: id, now });
    expect(result.last24h.series.slice(-2)).toEqual([10, 10]);
    expect(result.last24h).toMatchObject({ requests: 20, reported: 21, errors4xx: 3, errors5xx: 1, latency: { p50: 5, p95: 500, p99: 5000 } });
    expect(result.last30d).toMatchObject({ requests: 20, reported: 21, errors4xx: 3, errors5xx: 1, latency: { p50: 5, p95: 500, p99: 5000 } });
    expect(result.peakMinute).toBe(10);
  });

  it('drops each resolution after its own retention', async () => {
    const { id } = await storeKey();
    const now = new Date('2026-11-29T12:00:00Z');
    const at = (days: number): Date => new Date(now.getTime() - days * 86_400_000);
    await db.keyUsageMinute.createMany({ data: [{ keyId: id, minute: at(8), requests: 1 }, { keyId: id, minute: at(6), requests: 1 }] });
    await db.keyUsageHour.createMany({ data: [{ keyId: id, hour: at(91), requests: 1 }, { keyId: id, hour: at(89), requests: 1 }] });
    await db.keyUsageDay.createMany({ data: [{ keyId: id, day: at(401), requests: 1 }, { keyId: id, day: at(399), requests: 1 }] });
    await pruneUsage({ db, retention: policy.usage.retention, now });
    expect((await db.keyUsageMinute.findMany({ where: { keyId: id } })).map((r) => r.minute)).toEqual([at(6)]);
    expect((await db.keyUsageHour.findMany({ where: { keyId: id } })).map((r) => r.hour)).toEqual([at(89)]);
    expect((await db.keyUsageDay.findMany({ where: { keyId: id } })).map((r) => r.day)).toEqual([at(399)]);
  });
});
