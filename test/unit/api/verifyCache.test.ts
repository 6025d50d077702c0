import { createVerifyCache, type KeyRecord } from '../../../api/verifyCache';

const record = (id: string, status: KeyRecord['status'] = 'ACTIVE'): KeyRecord => ({
  id,
  ownerId: 'U0OWNER',
  environment: 'test',
  scopes: ['read'],
  status,
  expiresAt: new Date('2030-01-01T00:00:00Z'),
});

function liveCache(options: Parameters<typeof createVerifyCache>[0] = {}) {
  const cache = createVerifyCache(options);
  cache.resume();
  return cache;
}

function put(cache: ReturnType<typeof createVerifyCache>, hash: string, value: KeyRecord | null): void {
  cache.store(hash, value, cache.begin());
}

describe('verify cache', () => {
  it('answers what was stored, including "no such key"', () => {
    const cache = liveCache();
    put(cache, 'h1', record('key_1'));
    put(cache, 'h2', null);
    expect(cache.get('h1')).toEqual({ record: record('key_1') });
    expect(cache.get('h2')).toEqual({ record: null });
    expect(cache.get('h3')).toBeUndefined();
  });

  it('keeps at most maxEntries keys, dropping the least recently used', () => {
    const cache = liveCache({ maxEntries: 3 });
    for (const h of ['a', 'b', 'c']) put(cache, h, record(h));
    expect(cache.get('a')).toBeDefined(); // a is now the most recently used
    put(cache, 'd', record('d'));
    expect(cache.get('b')).toBeUndefined();
    expect(['a', 'c', 'd'].map((h) => cache.get(h)?.record?.id)).toEqual(['a', 'c', 'd']);
    expect(cache.size).toBe(3);
  });

  it('keeps misses apart, so a spray of unknown keys cannot evict verified ones', () => {
    const cache = liveCache({ maxEntries: 2, maxNegativeEntries: 2 });
    put(cache, 'known', record('known'));
    for (let i = 0; i < 100; i++) put(cache, `junk${i}`, null);
    expect(cache.get('known')?.record?.id).toBe('known');
    expect(cache.size).toBe(3);
  });

  it('forgets entries after their TTL; misses sooner than keys', () => {
    let t = 0;
    const cache = liveCache({ ttlMs: 30_000, negativeTtlMs: 5_000, now: () => t });
    put(cache, 'key', record('key'));
    put(cache, 'miss', null);
    t = 4_999;
    expect(cache.get('miss')).toBeDefined();
    t = 5_000;
    expect(cache.get('miss')).toBeUndefined();
    expect(cache.get('key')).toBeDefined();
    t = 30_000;
    expect(cache.get('key')).toBeUndefined();
  });

  it('drops an invalidated hash, found or not', () => {
    const cache = liveCache();
    put(cache, 'h1', record('key_1'));
    put(cache, 'h2', null);
    cache.invalidate('h1');
    cache.invalidate('h2');
    expect(cache.get('h1')).toBeUndefined();
    expect(cache.get('h2')).toBeUndefined();
  });

  it('does not store a lookup that began before an invalidation (it may have read the old row)', () => {
    const cache = liveCache();
    const token = cache.begin();
    cache.invalidate('h1'); // the revocation's notification arrives while the read is in flight
    cache.store('h1', record('key_1', 'ACTIVE'), token);
    expect(cache.get('h1')).toBeUndefined();
    put(cache, 'h1', record('key_1', 'REVOKED'));
    expect(cache.get('h1')?.record?.status).toBe('REVOKED');
  });

  it('answers and stores nothing while suspended, and resumes empty', () => {
    const cache = createVerifyCache();
    put(cache, 'h1', record('key_1'));
    expect(cache.get('h1')).toBeUndefined(); // suspended from the start: no listener yet
    cache.resume();
    put(cache, 'h1', record('key_1'));
    const token = cache.begin();
    cache.suspend();
    expect(cache.live).toBe(false);
    expect(cache.get('h1')).toBeUndefined();
    cache.store('h2', record('key_2'), token);
    cache.resume();
    expect(cache.get('h1')).toBeUndefined();
    expect(cache.get('h2')).toBeUndefined();
    expect(cache.size).toBe(0);
  });
});
