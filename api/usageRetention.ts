/**
 * Drops usage older than the policy keeps it, per resolution (policy `usage.retention`). Every API
 * process runs it hourly: the deletes are idempotent, so two processes at once only repeat work,
 * and the time indexes keep each one a range scan.
 */
import type { Db } from '../db/client';
import type { Policy } from '../domain/policy';

export async function pruneUsage(options: { db: Db; retention: Policy['usage']['retention']; now: Date }): Promise<{ minutes: number; hours: number; days: number }> {
  const { db, retention, now } = options;
  const before = (seconds: number): Date => new Date(now.getTime() - seconds * 1000);
  const [minutes, hours, days] = await db.$transaction([
    db.keyUsageMinute.deleteMany({ where: { minute: { lt: before(retention.minutes) } } }),
    db.keyUsageHour.deleteMany({ where: { hour: { lt: before(retention.hours) } } }),
    db.keyUsageDay.deleteMany({ where: { day: { lt: before(retention.days) } } }),
  ]);
  return { minutes: minutes.count, hours: hours.count, days: days.count };
}
