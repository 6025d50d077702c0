/** What the store gauges of /metrics report (runtime/metrics.ts), read once per scrape. */
import type { Db } from './client';

export interface StoreCounts {
  keys: Array<{ status: string; environment: string; count: number }>;
  pendingApprovals: number;
  leakEvents: Array<{ action: string; count: number }>;
}

export async function readStoreCounts(db: Db): Promise<StoreCounts> {
  const [keys, pending, leaks] = await Promise.all([
    db.apiKey.groupBy({ by: ['status', 'environment'], _count: { _all: true } }),
    db.keyRequest.count({ where: { status: 'PENDING_APPROVAL' } }),
    // Whatever the leak paths call their audit actions, they name the leak. This scans the audit
    // log once per scrape: fine at a 15-60 s scrape interval up to millions of rows.
    db.$queryRaw<Array<{ action: string; count: bigint }>>`SELECT action, count(*) AS count FROM audit_events WHERE action LIKE '%leak%' GROUP BY action`,
  ]);
  return {
    keys: keys.map((row) => ({ status: row.status, environment: row.environment, count: row._count._all })),
    pendingApprovals: pending,
    leakEvents: leaks.map((row) => ({ action: row.action, count: Number(row.count) })),
  };
}
