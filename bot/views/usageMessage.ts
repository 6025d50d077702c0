/**
 * The answer to `/apikey usage <key>` (and the list's Usage button): requests per hour over the
 * last 24 hours and per day over the last 30 days as text sparklines, the last 12 UTC calendar
 * months against the monthly quota, error rates, latency percentiles, last use, and the key's
 * limits. Pure: numbers in, Block Kit out.
 *
 * Requests are the verifications keyops answered for the key; error rates and latency come from
 * the responses gateways reported (POST /v1/usage), so their base is the reported count.
 * Percentiles are the upper bounds of fixed histogram buckets (domain/latencyHistogram.ts).
 */
import type { KnownBlock } from '@slack/types';
import type { RateLimit } from '../../domain/policy';
import type { MonthUsage, UsageReport, UsageWindow } from '../../domain/usageReport';
import type { Message } from './revealMessages';
import { escapeMrkdwn, slackDate, truncate } from './format';

const BARS = '▁▂▃▄▅▆▇█';

export interface UsageMessageInput {
  key: { id: string; name: string; maskedKey: string | null; environment: string; ownerId: string; lastUsedAt: Date | null };
  report: UsageReport;
  /** The environment's limits from the policy; null when it has none. */
  limits: RateLimit | null;
  now: Date;
  /** A signed link to the chart (PUBLIC_URL set); Slack fetches it. */
  chartUrl?: string;
  /** How long day rows are kept (policy `usage.retention.days`, seconds): older months are partial. */
  daysKeptSeconds?: number;
}

/** One character per value: `·` for none, else ▁…█ scaled to the largest value (any use shows at least ▁). */
export function sparkline(values: readonly number[]): string {
  const max = Math.max(0, ...values);
  return values.map((v) => (v <= 0 ? '·' : BARS[Math.max(0, Math.ceil((v / max) * BARS.length) - 1)])).join('');
}

export function formatCount(n: number): string {
  return n.toLocaleString('en-US');
}

/** A share as a percentage with one decimal, e.g. 1.5%; "0%" for none. */
export function formatRate(part: number, whole: number): string {
  if (part === 0) return '0%';
  return `${((part * 100) / whole).toFixed(1)}%`;
}

export function formatLatency(ms: number | null): string {
  if (ms === null) return '–';
  if (ms === Infinity) return '> 10 s';
  return ms >= 1000 ? `≤ ${ms / 1000} s` : `≤ ${ms} ms`;
}

function windowText(title: string, period: string, window: UsageWindow): string {
  const peak = Math.max(0, ...window.series);
  return `*${title}* (per ${period}, oldest first): ${formatCount(window.requests)} requests, peak ${formatCount(peak)} a ${period}\n\`\`\`${sparkline(window.series)}\`\`\``;
}

function errorsText(window: UsageWindow): string {
  if (window.reported === 0) return '*Errors (30 days)*\nno responses reported';
  return `*Errors (30 days)*\n4xx ${formatRate(window.errors4xx, window.reported)} · 5xx ${formatRate(window.errors5xx, window.reported)} of ${formatCount(window.reported)} reported responses`;
}

function latencyText(window: UsageWindow): string {
  const { p50, p95, p99 } = window.latency;
  return `*Latency (30 days)*\n${window.reported === 0 ? 'no responses reported' : `p50 ${formatLatency(p50)} · p95 ${formatLatency(p95)} · p99 ${formatLatency(p99)}`}`;
}

/** "Nov 2026", named in UTC whatever the host's zone. */
export function monthName(start: Date): string {
  return start.toLocaleString('en-US', { month: 'short', year: 'numeric', timeZone: 'UTC' });
}

function monthLine(month: MonthUsage, quota: number | null, current: boolean): string {
  const share = quota === null ? '' : ` ${formatRate(month.requests, quota).padStart(7)}${month.requests > quota ? ' over quota' : ''}`;
  return `${monthName(month.start).padEnd(9)} ${formatCount(month.requests).padStart(13)}${share}${current ? ' (so far)' : ''}`;
}

function monthsText(input: UsageMessageInput): string {
  const months = input.report.last12Months;
  const quota = input.limits?.monthlyQuota ?? null;
  const against = quota === null ? 'no monthly quota for this environment' : `% of the monthly quota of ${formatCount(quota)}`;
  const lines = months.map((m, i) => monthLine(m, quota, i === months.length - 1));
  const first = months[0]?.start;
  const keptFrom = input.daysKeptSeconds === undefined ? null : new Date(input.now.getTime() - input.daysKeptSeconds * 1000);
  const partial = first && keptFrom && keptFrom > first ? `\nDays before ${slackDate(keptFrom)} are no longer kept (policy usage.retention.days): earlier months count only the days kept.` : '';
  return `*Last 12 months* (UTC calendar months, oldest first; ${against})\n\`\`\`${lines.join('\n')}\`\`\`${partial}`;
}

function limitFields(input: UsageMessageInput): string[] {
  const { limits, report } = input;
  if (!limits) return ['*Rate limit*\nnone for this environment', '*Monthly quota*\nnone for this environment'];
  const perSecond = (report.peakMinute / 60).toFixed(1);
  const resets = new Date(Date.UTC(input.now.getUTCFullYear(), input.now.getUTCMonth() + 1, 1));
  return [
    `*Rate limit*\n${formatCount(limits.perSecond)}/s, burst ${formatCount(limits.burst)}; busiest minute of the last hour: ${formatCount(report.peakMinute)} requests (${perSecond}/s)`,
    `*Monthly quota*\n${formatCount(report.thisMonth)} of ${formatCount(limits.monthlyQuota)} (${formatRate(report.thisMonth, limits.monthlyQuota)}), resets ${slackDate(resets)}`,
  ];
}

function chartAltText(input: UsageMessageInput): string {
  const { report } = input;
  const quota = input.limits ? `, against the monthly quota of ${formatCount(input.limits.monthlyQuota)}` : '';
  return `Requests per day over the last 30 days (${formatCount(report.last30d.requests)} in all) and per UTC month over the last 12 months${quota}`;
}

export function buildUsageMessage(input: UsageMessageInput): Message {
  const { key, report } = input;
  const title = `Usage of *${escapeMrkdwn(truncate(key.name, 100))}* \`${key.maskedKey ?? 'not revealed'}\` (${key.environment}, owner <@${key.ownerId}>)`;
  const blocks: KnownBlock[] = [
    { type: 'section', text: { type: 'mrkdwn', text: title } },
    { type: 'section', text: { type: 'mrkdwn', text: windowText('Last 24 hours', 'hour', report.last24h) } },
    { type: 'section', text: { type: 'mrkdwn', text: windowText('Last 30 days', 'day', report.last30d) } },
    { type: 'section', text: { type: 'mrkdwn', text: monthsText(input) } },
    ...(input.chartUrl ? [{ type: 'image' as const, image_url: input.chartUrl, alt_text: chartAltText(input) }] : []),
    {
      type: 'section',
      fields: [
        { type: 'mrkdwn', text: errorsText(report.last30d) },
        { type: 'mrkdwn', text: latencyText(report.last30d) },
        { type: 'mrkdwn', text: `*Last used*\n${key.lastUsedAt ? slackDate(key.lastUsedAt) : 'never'}` },
        ...limitFields(input).map((text) => ({ type: 'mrkdwn' as const, text })),
      ],
    },
    { type: 'context', elements: [{ type: 'mrkdwn', text: 'Requests are verifications keyops answered (UTC hours, days and calendar months). Error rates and latency come from responses your gateways report; latencies are histogram bucket bounds.' }] },
  ];
  const text = `Usage of ${escapeMrkdwn(key.name)}: ${formatCount(report.last24h.requests)} requests in the last 24 hours, ${formatCount(report.last30d.requests)} in the last 30 days.`;
  return { text, blocks };
}
