import { parseUsageTarget } from '../../../bot/listeners/commands/subcommands/usage';
import { buildUsageMessage, formatLatency, formatRate, sparkline } from '../../../bot/views/usageMessage';
import { loadPolicy } from '../../../config/policyFile';
import { mintKey } from '../../../domain/keyFormat';
import { bucketOf, emptyHistogram } from '../../../domain/latencyHistogram';
import { buildUsageReport, type UsageRow } from '../../../domain/usageReport';
import { validateMessage } from '../../../playground/slack';

const NOW = new Date('2026-11-29T10:30:00Z');
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const { policy } = loadPolicy(undefined);

function row(at: Date, requests: number, extra: Partial<UsageRow> = {}): UsageRow {
  return { at, requests, errors4xx: 0, errors5xx: 0, latencyBuckets: [], ...extra };
}

function histogram(latencies: Array<[number, number]>): number[] {
  const h = emptyHistogram();
  for (const [ms, n] of latencies) h[bucketOf(ms)] = (h[bucketOf(ms)] ?? 0) + n;
  return h;
}

/** Known data: this hour 40 requests, 2 hours ago 80, 30 hours ago 10 (outside 24 h); days to match. */
function knownReport() {
  const thisHour = new Date('2026-11-29T10:00:00Z');
  const hours = [row(thisHour, 40), row(new Date(thisHour.getTime() - 2 * HOUR), 80), row(new Date(thisHour.getTime() - 30 * HOUR), 10)];
  const today = new Date('2026-11-29T00:00:00Z');
  const days = [
    row(today, 120, { errors4xx: 6, errors5xx: 1, latencyBuckets: histogram([[3, 150], [40, 40], [300, 8], [3000, 2]]) }),
    row(new Date(today.getTime() - DAY), 10),
    row(new Date(today.getTime() - 29 * DAY), 50, { errors4xx: 4, latencyBuckets: histogram([[3, 0]]) }),
    row(new Date(today.getTime() - 30 * DAY), 999),
  ];
  const minutes = [row(new Date(NOW.getTime() - 5 * 60_000), 30), row(new Date(NOW.getTime() - 60_000), 12)];
  return buildUsageReport({ now: NOW, hours, days, minutes });
}

describe('usage report', () => {
  it('rolls stored rows into 24 hourly and 30 daily periods with exact totals, rates and percentiles', () => {
    const report = knownReport();
    expect(report.last24h.series).toHaveLength(24);
    expect(report.last24h.series.slice(-3)).toEqual([80, 0, 40]);
    expect(report.last24h.requests).toBe(120);
    expect(report.last30d.series).toHaveLength(30);
    expect(report.last30d.series[0]).toBe(50);
    expect(report.last30d.series.slice(-2)).toEqual([10, 120]);
    expect(report.last30d).toMatchObject({ requests: 180, reported: 200, errors4xx: 10, errors5xx: 1, latency: { p50: 5, p95: 50, p99: 500 } });
    // November so far: today and yesterday (October 31, the window's first day, is last month).
    expect(report.thisMonth).toBe(130);
    expect(report.peakMinute).toBe(30);
  });
});

describe('usage by month', () => {
  /** Day rows on both sides of month boundaries (always at 00:00 UTC, as the store keeps them). */
  const days = [
    row(new Date('2026-11-29T00:00:00Z'), 30),
    row(new Date('2026-11-01T00:00:00Z'), 7),
    row(new Date('2026-10-31T00:00:00Z'), 5),
    row(new Date('2026-10-01T00:00:00Z'), 100_000),
    row(new Date('2026-02-28T00:00:00Z'), 2),
    row(new Date('2025-12-01T00:00:00Z'), 3),
    row(new Date('2025-11-30T00:00:00Z'), 999),
  ];
  const report = buildUsageReport({ now: NOW, hours: [], days, minutes: [] });

  it('sums day rows per UTC calendar month over this month and the 11 before it, oldest first', () => {
    expect(report.last12Months.map((m) => m.start.toISOString().slice(0, 7))).toEqual([
      '2025-12', '2026-01', '2026-02', '2026-03', '2026-04', '2026-05', '2026-06', '2026-07', '2026-08', '2026-09', '2026-10', '2026-11',
    ]);
    expect(report.last12Months.map((m) => m.requests)).toEqual([3, 0, 2, 0, 0, 0, 0, 0, 0, 0, 100_005, 37]);
    expect(report.thisMonth).toBe(37);
  });

  it('lists each month with its share of the monthly quota, marks the month over it and the month so far', () => {
    const message = buildUsageMessage({ key: { id: 'key_0000000000000001', name: 'Billing', maskedKey: null, environment: 'test', ownerId: 'U0OWNER', lastUsedAt: null }, report, limits: { perSecond: 10, burst: 20, monthlyQuota: 100_000 }, now: NOW, daysKeptSeconds: 400 * DAY / 1000 });
    const section = message.blocks.map((b) => JSON.stringify(b)).find((b) => b.includes('Last 12 months')) as string;
    const text = (JSON.parse(section) as { text: { text: string } }).text.text;
    expect(text).toContain('*Last 12 months* (UTC calendar months, oldest first; % of the monthly quota of 100,000)');
    const lines = text.split('```')[1]?.split('\n') ?? [];
    expect(lines).toHaveLength(12);
    expect(lines[0]).toBe('Dec 2025              3    0.0%');
    expect(lines[10]).toBe('Oct 2026        100,005  100.0% over quota');
    expect(lines[11]).toBe('Nov 2026             37    0.0% (so far)');
    expect(text).not.toContain('no longer kept');
    expect(validateMessage(message as unknown as Record<string, unknown>)).toBeNull();
  });

  it('says when there is no quota, and when the policy keeps fewer days than the months need', () => {
    const message = buildUsageMessage({ key: { id: 'key_0000000000000001', name: 'Billing', maskedKey: null, environment: 'test', ownerId: 'U0OWNER', lastUsedAt: null }, report, limits: null, now: NOW, daysKeptSeconds: 90 * DAY / 1000 });
    const text = JSON.stringify(message.blocks);
    expect(text).toContain('no monthly quota for this environment');
    expect(text).toContain('Oct 2026        100,005\\nNov 2026             37 (so far)');
    expect(text).toContain(`Days before <!date^${Math.floor((NOW.getTime() - 90 * DAY) / 1000)}^`);
  });
});

describe('buildUsageMessage', () => {
  const key = { id: 'key_0000000000000001', name: 'Billing <export>', maskedKey: 'ko_live_…3f8a', environment: 'production', ownerId: 'U0OWNER', lastUsedAt: new Date('2026-11-29T10:29:00Z') };

  it('shows the sparklines, totals, error rates, percentiles, last use and limits', () => {
    const message = buildUsageMessage({ key, report: knownReport(), limits: { perSecond: 200, burst: 400, monthlyQuota: 1000 }, now: NOW });
    const text = JSON.stringify(message.blocks);
    expect(text).toContain('Billing &lt;export&gt;');
    expect(text).toContain('*Last 24 hours* (per hour, oldest first): 120 requests, peak 80 a hour');
    expect(text).toContain(`\`\`\`${'·'.repeat(21)}█·▄\`\`\``);
    expect(text).toContain('*Last 30 days* (per day, oldest first): 180 requests, peak 120 a day');
    expect(text).toContain(`\`\`\`▄${'·'.repeat(27)}▁█\`\`\``);
    expect(text).toContain('4xx 5.0% · 5xx 0.5% of 200 reported responses');
    expect(text).toContain('p50 ≤ 5 ms · p95 ≤ 50 ms · p99 ≤ 500 ms');
    expect(text).toContain(`<!date^${Math.floor(key.lastUsedAt.getTime() / 1000)}^`);
    expect(text).toContain('200/s, burst 400; busiest minute of the last hour: 30 requests (0.5/s)');
    expect(text).toContain('130 of 1,000 (13.0%), resets <!date^1796083200^');
    expect(message.text).toBe('Usage of Billing &lt;export&gt;: 120 requests in the last 24 hours, 180 in the last 30 days.');
    expect(validateMessage(message as unknown as Record<string, unknown>)).toBeNull();
  });

  it('carries the chart as an image when it has a chart URL, and none otherwise', () => {
    const report = knownReport();
    const withChart = buildUsageMessage({ key, report, limits: null, now: NOW, chartUrl: 'https://keyops.example.com/v1/usage/chart/key_0000000000000001.png?exp=1&sig=ab' });
    expect(withChart.blocks).toContainEqual({ type: 'image', image_url: 'https://keyops.example.com/v1/usage/chart/key_0000000000000001.png?exp=1&sig=ab', alt_text: 'Requests per day over the last 30 days (180 in all) and per UTC month over the last 12 months' });
    expect(validateMessage(withChart as unknown as Record<string, unknown>)).toBeNull();
    expect(buildUsageMessage({ key, report, limits: null, now: NOW }).blocks.some((b) => b.type === 'image')).toBe(false);
  });

  it('says so when nothing was reported, the key was never used, or the environment has no limits', () => {
    const empty = buildUsageReport({ now: NOW, hours: [], days: [], minutes: [] });
    const text = JSON.stringify(buildUsageMessage({ key: { ...key, lastUsedAt: null }, report: empty, limits: null, now: NOW }).blocks);
    expect(text).toContain('no responses reported');
    expect(text).toContain('*Last used*\\nnever');
    expect(text).toContain('none for this environment');
    expect(text).toContain('·'.repeat(24));
  });

  it('formats sparklines, rates and latencies', () => {
    expect(sparkline([0, 1, 2, 4, 8])).toBe('·▁▂▄█');
    expect(formatRate(1, 3)).toBe('33.3%');
    expect(formatRate(0, 0)).toBe('0%');
    expect(formatLatency(2500)).toBe('≤ 2.5 s');
    expect(formatLatency(Infinity)).toBe('> 10 s');
  });
});

describe('parseUsageTarget', () => {
  const parse = (args: string[]) => parseUsageTarget({ args, policy, keyHashSecret: 'x'.repeat(32) });

  it('takes a key id, a masked form or a full key (hashed), one at a time', () => {
    expect(parse(['key_0000000000000001'])).toEqual({ ok: true, target: { kind: 'id', keyId: 'key_0000000000000001' } });
    expect(parse(['ko_live_…3f8a'])).toMatchObject({ ok: true, target: { kind: 'masked' } });
    const full = mintKey({ prefix: policy.keyPrefix, envTag: 'live' });
    const parsed = parse([full]);
    expect(parsed).toMatchObject({ ok: true, target: { kind: 'secret' } });
    expect(JSON.stringify(parsed)).not.toContain(full);
    expect(parse([])).toMatchObject({ ok: false, message: expect.stringContaining('Which key?') });
    expect(parse(['a', 'b'])).toMatchObject({ ok: false, message: expect.stringContaining('One key at a time') });
    expect(parse(['env:production'])).toMatchObject({ ok: false, message: expect.stringContaining('one key at a time') });
    expect(parse([`${full.slice(0, -1)}${full.endsWith('A') ? 'B' : 'A'}`])).toMatchObject({ ok: false, message: expect.stringContaining('checksum') });
  });
});
