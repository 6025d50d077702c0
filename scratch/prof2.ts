import globalSetup from '../test/support/globalSetup';
import globalTeardown from '../test/support/globalTeardown';
import { startHarness, KEY_HASH_SECRET } from '../test/support/keyopsHarness';
import { seedKeys } from '../test/support/seedKeys';
import { reconcileKeyLifecycles } from '../temporal/reconcileLifecycles';
import { createLogger } from '../runtime/log';
async function main() {
  await globalSetup();
  const h = await startHarness();
  await new Promise((res) => setTimeout(res, 5000));
  const N = Number(process.env.N ?? 1000);
  await seedKeys(h.db, { policy: h.policy, keyHashSecret: KEY_HASH_SECRET, keys: Array.from({ length: N }, (_, i) => ({ ownerId: 'U0P' + (i % 50), lastUsedAt: new Date(), expiresAt: new Date(Date.now() + 40 * 86400000) })) });
  const cpu0 = process.cpuUsage(); const t0 = Date.now();
  const r = await reconcileKeyLifecycles({ db: h.db, client: h.temporal.client, policy: h.policy, log: createLogger({ name: 'x' }) });
  const cpu1 = process.cpuUsage(cpu0);
  console.log('reconciled', r.started, 'in', r.ms, 'ms', 'cpu during', ((cpu1.user + cpu1.system) / 1e6).toFixed(1), 's');
  let last = process.cpuUsage(); let quiet = 0;
  while (quiet < 3) { await new Promise((res) => setTimeout(res, 1000)); const d = process.cpuUsage(last); last = process.cpuUsage(); quiet = (d.user + d.system) < 50000 ? quiet + 1 : 0; }
  const cpu2 = process.cpuUsage(cpu0);
  console.log('settled after', Date.now() - t0 - 3000, 'ms; total cpu', ((cpu2.user + cpu2.system) / 1e6).toFixed(1), 's', 'rss', (process.memoryUsage().rss / 1048576).toFixed(0));
  await h.stop();
  await globalTeardown();
}
main().then(() => process.exit(0), (e) => { console.error(e); process.exit(1); });
