/**
 * The answer to `/apikey usage <key>` (and the list's Usage button): requests per hour over the
 * last 24 hours and per day over the last 30 days as text sparklines, error rates, latency
 * percentiles, last use, and the key's limits. Pure: numbers in, Block Kit out.
 *
 * Requests are the verifications keyops answered for the key; error rates and latency come from
 * the responses gateways reported (POST /v1/usage), so their base is the reported count.
 * Percentiles are the upper bounds of fixed histogram buckets (domain/latencyHistogram.ts).
 */
import type { KnownBlock } from '@slack/types';
import type { RateLimit } from '../../domain/policy';
import type { UsageReport, UsageWindow } from '../../domain/usageReport';
import type { Message } from './revealMessages';
import { escapeMrkdwn, slackDate, truncate } from './format';

const BARS = '▁▂▃▄▅▆▇█';

export interface UsageMessageInput {
  key: { id: string; name: string; maskedKey: string | null; environment: string; ownerId: string; lastUsedAt: Date | null };
  report: UsageReport;
  /** The environment's limits from the policy; null when it has none. */
  limits: RateLimit | null;
  now: Date;
  /** A signed link to the 30-day chart (PUBLIC_URL set); Slack fetches it. */
  chartUrl?: string;
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

export function buildUsageMessage(input: UsageMessageInput): Message {
  const { key, report } = input;
  const title = `Usage of *${escapeMrkdwn(truncate(key.name, 100))}* \`${key.maskedKey ?? 'not revealed'}\` (${key.environment}, owner <@${key.ownerId}>)`;
  const blocks: KnownBlock[] = [
    { type: 'section', text: { type: 'mrkdwn', text: title } },
    { type: 'section', text: { type: 'mrkdwn', text: windowText('Last 24 hours', 'hour', report.last24h) } },
    { type: 'section', text: { type: 'mrkdwn', text: windowText('Last 30 days', 'day', report.last30d) } },
    ...(input.chartUrl ? [{ type: 'image' as const, image_url: input.chartUrl, alt_text: `Requests per day over the last 30 days: ${formatCount(report.last30d.requests)} in all` }] : []),
    {
      type: 'section',
      fields: [
        { type: 'mrkdwn', text: errorsText(report.last30d) },
        { type: 'mrkdwn', text: latencyText(report.last30d) },
        { type: 'mrkdwn', text: `*Last used*\n${key.lastUsedAt ? slackDate(key.lastUsedAt) : 'never'}` },
        ...limitFields(input).map((text) => ({ type: 'mrkdwn' as const, text })),
      ],
    },
    { type: 'context', elements: [{ type: 'mrkdwn', text: 'Requests are verifications keyops answered (UTC periods). Error rates and latency come from responses your gateways report; latencies are histogram bucket bounds.' }] },
  ];
  const text = `Usage of ${escapeMrkdwn(key.name)}: ${formatCount(report.last24h.requests)} requests in the last 24 hours, ${formatCount(report.last30d.requests)} in the last 30 days.`;
  return { text, blocks };
}
