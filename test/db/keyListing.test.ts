/**
 * What App Home's summary line counts, read from the real schema: live keys by status, the active
 * ones expiring soon, and every key the owner ever had.
 */
import { loadHomeData } from '../../db/keyListing';
import { useTestDb } from '../support/databases';

const store = useTestDb();

const now = new Date('2026-11-29T12:00:00Z');
const days = (n: number): Date => new Date(now.getTime() + n * 86400_000);
let n = 0;
async function key(ownerId: string, status: 'PENDING_REVEAL' | 'ACTIVE' | 'EXPIRED' | 'REVOKED', expiresAt: Date): Promise<void> {
  n += 1;
  await store.db.apiKey.create({ data: { id: `key_listing${String(n).padStart(9, '0')}`, ownerId, name: `k${n}`, environment: 'test', scopes: ['read'], status, expiresAt } });
}

describe('App Home data', () => {
  it('counts live keys by status, the active ones expiring within the window, and all keys', async () => {
    const owner = 'U0COUNTS';
    await key(owner, 'ACTIVE', days(3)); // expiring soon
    await key(owner, 'ACTIVE', days(7)); // exactly at the window's edge: soon
    await key(owner, 'ACTIVE', days(30));
    await key(owner, 'ACTIVE', days(-1)); // already past: not "soon" (lifecycle marks it expired)
    await key(owner, 'PENDING_REVEAL', days(2)); // pending keys are not "expiring"
    await key(owner, 'REVOKED', days(3));
    await key(owner, 'EXPIRED', days(-3));
    await key('U0SOMEONEELSE', 'ACTIVE', days(3));

    const data = await loadHomeData(store.db, { userId: owner, keyLimit: 10, now, expiringSoonSeconds: 7 * 86400 });

    expect(data.counts).toEqual({ active: 4, expiringSoon: 2, pending: 1 });
    expect(data.totalKeys).toBe(7);
    expect(data.keys).toHaveLength(5);
  });

  it('counts nothing for someone without keys', async () => {
    const data = await loadHomeData(store.db, { userId: 'U0NOBODY', keyLimit: 10, now, expiringSoonSeconds: 86400 });
    expect(data.counts).toEqual({ active: 0, expiringSoon: 0, pending: 0 });
    expect(data.totalKeys).toBe(0);
  });
});
