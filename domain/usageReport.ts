/**
 * A key's usage as the usage message shows it, computed from stored rows (hours for the last
 * 24 hours, days for the last 30 days and the month, minutes for the last hour). Pure: the rows
 * come in, exact numbers come out, so the roll-ups are tested without a database.
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

export interface UsageReport {
  last24h: UsageWindow;
  last30d: UsageWindow;
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
  const monthStart = startOfMonth(now).getTime();
  return {
    last24h: summarizeWindow({ rows: options.hours, from: windowStart({ now, periodMs: HOUR_MS, count: 24 }), periodMs: HOUR_MS, count: 24 }),
    last30d: summarizeWindow({ rows: options.days, from: windowStart({ now, periodMs: DAY_MS, count: 30 }), periodMs: DAY_MS, count: 30 }),
    thisMonth: options.days.filter((d) => d.at.getTime() >= monthStart).reduce((sum, d) => sum + d.requests, 0),
    peakMinute: options.minutes.reduce((max, m) => Math.max(max, m.requests), 0),
  };
}
