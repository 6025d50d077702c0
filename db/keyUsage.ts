/**
 * Reads a key's stored usage for the usage message: three narrow, indexed range reads. The day rows
 * cover the 30-day window and the 12 calendar months (at most ~366 rows a key, on its primary key).
 */
import type { Db } from './client';
import { MONTHS_SHOWN, buildUsageReport, monthStart, windowStart, type UsageReport } from '../domain/usageReport';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
const COLUMNS = { requests: true, errors4xx: true, errors5xx: true, latencyBuckets: true } as const;

/** Requests stored for a key since `monthStart` (the in-process limiter's starting count). */
export async function monthToDate(options: { db: Db; keyId: string; monthStart: Date }): Promise<number> {
  const sum = await options.db.keyUsageDay.aggregate({ where: { keyId: options.keyId, day: { gte: options.monthStart } }, _sum: { requests: true } });
  return sum._sum.requests ?? 0;
}

export async function readKeyUsage(options: { db: Db; keyId: string; now: Date }): Promise<UsageReport> {
  const { db, keyId, now } = options;
  const daysFrom = new Date(Math.min(windowStart({ now, periodMs: DAY_MS, count: 30 }).getTime(), monthStart(now, 1 - MONTHS_SHOWN).getTime()));
  const [hours, days, minutes] = await Promise.all([
    db.keyUsageHour.findMany({ where: { keyId, hour: { gte: windowStart({ now, periodMs: HOUR_MS, count: 24 }) } }, select: { hour: true, ...COLUMNS } }),
    db.keyUsageDay.findMany({ where: { keyId, day: { gte: daysFrom } }, select: { day: true, ...COLUMNS } }),
    db.keyUsageMinute.findMany({ where: { keyId, minute: { gte: new Date(now.getTime() - HOUR_MS) } }, select: { minute: true, ...COLUMNS } }),
  ]);
  return buildUsageReport({
    now,
    hours: hours.map(({ hour, ...r }) => ({ at: hour, ...r })),
    days: days.map(({ day, ...r }) => ({ at: day, ...r })),
    minutes: minutes.map(({ minute, ...r }) => ({ at: minute, ...r })),
  });
}
