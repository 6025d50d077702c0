import globalSetup from '../test/support/globalSetup';
import globalTeardown from '../test/support/globalTeardown';
import { startHarness, KEY_HASH_SECRET } from '../test/support/keyopsHarness';
import { seedKeys } from '../test/support/seedKeys';
import { reconcileKeyLifecycles } from '../temporal/reconcileLifecycles';
import { createLogger } from '../runtime/log';
async function main() {
  await globalSetup();
  const h = await startHarness();
  const t0 = Date.now();
  await seedKeys(h.db, { policy: h.policy, keyHashSecret: KEY_HASH_SECRET, keys: Array.from({ length: 1000 }, (_, i) => ({ ownerId: 'U0P' + (i % 50), lastUsedAt: new Date(), expiresAt: new Date(Date.now() + 40 * 86400000) })) });
  const r = await reconcileKeyLifecycles({ db: h.db, client: h.temporal.client, log: createLogger({ name: 'x' }) });
  console.log('reconciled', r, Date.now() - t0);
  await new Promise((res) => setTimeout(res, 45000));
  console.log('logs', h.logs.length, h.logs.slice(-3));
  await h.stop();
  await globalTeardown();
}
main().then(() => process.exit(0), (e) => { console.error(e); process.exit(1); });
