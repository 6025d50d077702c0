/**
 * A key's usage as the usage message shows it, computed from stored rows (hours for the last
 * 24 hours, days for the last 30 days, this month and the last 12 months, minutes for the last
 * hour). Pure: the rows come in, exact numbers come out, so the roll-ups are tested without a
 * database.
 *
 * Months are UTC calendar months, as the monthly quota counts them: a day row belongs to the month
 * of its UTC start, whatever the host's or the reader's zone.
 */
import { emptyHistogram, histogramCount, mergeHistogram, percentileMs } from './latencyHistogram';

export interface UsageRow {
  /** Start of the minute, hour or day (UTC). */
  at: Date;
  requests: number;
  errors4xx: number;
  errors5xx: number;
  latencyBuckets: number[];
}

export interface UsageWindow {
  /** Requests per period, oldest first, one entry per period even when nothing happened. */
  series: number[];
  requests: number;
  /** Responses gateways reported (POST /v1/usage), the base of the error rates and percentiles. */
  reported: number;
  errors4xx: number;
  errors5xx: number;
  latency: { p50: number | null; p95: number | null; p99: number | null };
}

/** Requests in one UTC calendar month. */
export interface MonthUsage {
  /** The first instant of the month, UTC. */
  start: Date;
  requests: number;
}

export interface UsageReport {
  last24h: UsageWindow;
  last30d: UsageWindow;
  /** This month (partial) and the 11 before it, oldest first, one entry per month even when nothing happened. */
  last12Months: MonthUsage[];
  /** Requests since the start of this calendar month (UTC). */
  thisMonth: number;
  /** The busiest minute of the last hour, in requests. */
  peakMinute: number;
}

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

export function startOfHour(now: Date): Date {
  return new Date(now.getTime() - (now.getTime() % HOUR_MS));
}

export function startOfDay(now: Date): Date {
  return new Date(now.getTime() - (now.getTime() % DAY_MS));
}

export function startOfMonth(now: Date): Date {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
}

export const MONTHS_SHOWN = 12;

/** The start of the month `offset` months from `now`'s (negative: earlier), UTC. */
export function monthStart(now: Date, offset: number): Date {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + offset, 1));
}

/** Sums day rows per UTC calendar month over this month and the `count - 1` before it. */
export function summarizeMonths(options: { rows: readonly UsageRow[]; now: Date; count: number }): MonthUsage[] {
  const months = Array.from({ length: options.count }, (_, i) => ({ start: monthStart(options.now, i - options.count + 1), requests: 0 }));
  const first = months[0]?.start ?? options.now;
  for (const row of options.rows) {
    const index = (row.at.getUTCFullYear() - first.getUTCFullYear()) * 12 + row.at.getUTCMonth() - first.getUTCMonth();
    const month = months[index];
    if (month && row.at.getTime() <= options.now.getTime()) month.requests += row.requests;
  }
  return months;
}

/** The periods a window covers: the current one (partial) and the `count - 1` before it. */
export function windowStart(options: { now: Date; periodMs: number; count: number }): Date {
  const current = options.periodMs === DAY_MS ? startOfDay(options.now) : startOfHour(options.now);
  return new Date(current.getTime() - (options.count - 1) * options.periodMs);
}

export function summarizeWindow(options: { rows: readonly UsageRow[]; from: Date; periodMs: number; count: number }): UsageWindow {
  const series = new Array<number>(options.count).fill(0);
  const histogram = emptyHistogram();
  let errors4xx = 0;
  let errors5xx = 0;
  for (const row of options.rows) {
    const index = Math.floor((row.at.getTime() - options.from.getTime()) / options.periodMs);
    if (index < 0 || index >= options.count) continue;
    series[index] = (series[index] ?? 0) + row.requests;
    errors4xx += row.errors4xx;
    errors5xx += row.errors5xx;
    mergeHistogram(histogram, row.latencyBuckets);
  }
  return {
    series,
    requests: series.reduce((sum, n) => sum + n, 0),
    reported: histogramCount(histogram),
    errors4xx,
    errors5xx,
    latency: { p50: percentileMs(histogram, 50), p95: percentileMs(histogram, 95), p99: percentileMs(histogram, 99) },
  };
}

export function buildUsageReport(options: { now: Date; hours: readonly UsageRow[]; days: readonly UsageRow[]; minutes: readonly UsageRow[] }): UsageReport {
  const { now } = options;
  const last12Months = summarizeMonths({ rows: options.days, now, count: MONTHS_SHOWN });
  return {
    last24h: summarizeWindow({ rows: options.hours, from: windowStart({ now, periodMs: HOUR_MS, count: 24 }), periodMs: HOUR_MS, count: 24 }),
    last30d: summarizeWindow({ rows: options.days, from: windowStart({ now, periodMs: DAY_MS, count: 30 }), periodMs: DAY_MS, count: 30 }),
    last12Months,
    thisMonth: last12Months[last12Months.length - 1]?.requests ?? 0,
    peakMinute: options.minutes.reduce((max, m) => Math.max(max, m.requests), 0),
  };
}
