import { LATENCY_BUCKETS, bucketOf, emptyHistogram, histogramCount, mergeHistogram, percentileMs } from '../../../domain/latencyHistogram';

function histogramOf(latencies: number[]): number[] {
  const h = emptyHistogram();
  for (const ms of latencies) h[bucketOf(ms)] = (h[bucketOf(ms)] ?? 0) + 1;
  return h;
}

describe('latency histogram', () => {
  it('puts a latency in the bucket whose upper bound it does not exceed', () => {
    expect(bucketOf(0)).toBe(0);
    expect(bucketOf(5)).toBe(0);
    expect(bucketOf(5.1)).toBe(1);
    expect(bucketOf(250)).toBe(5);
    expect(bucketOf(10_000)).toBe(10);
    expect(bucketOf(10_001)).toBe(LATENCY_BUCKETS - 1);
  });

  it('answers p50, p95 and p99 of known data exactly (as bucket upper bounds)', () => {
    // 100 observations: 50 at 3 ms, 40 at 80 ms, 6 at 400 ms, 3 at 2 s, 1 at 30 s.
    const h = histogramOf([...Array(50).fill(3), ...Array(40).fill(80), ...Array(6).fill(400), ...Array(3).fill(2000), 30_000]);
    expect(histogramCount(h)).toBe(100);
    expect(percentileMs(h, 50)).toBe(5);
    expect(percentileMs(h, 51)).toBe(100);
    expect(percentileMs(h, 95)).toBe(500);
    expect(percentileMs(h, 99)).toBe(2500);
    expect(percentileMs(h, 100)).toBe(Infinity);
  });

  it('merges by adding buckets, so percentiles of a roll-up equal those of all the raw data', () => {
    const minuteA = [1, 2, 3, 700];
    const minuteB = [40, 45, 9000, 9000, 9000];
    const merged = mergeHistogram(mergeHistogram(emptyHistogram(), histogramOf(minuteA)), histogramOf(minuteB));
    expect(merged).toEqual(histogramOf([...minuteA, ...minuteB]));
    expect(percentileMs(merged, 50)).toBe(50);
    expect(percentileMs(merged, 99)).toBe(10_000);
  });

  it('treats rows with fewer buckets as zeros and has no percentile without data', () => {
    expect(mergeHistogram(emptyHistogram(), [2])).toEqual([2, ...Array(LATENCY_BUCKETS - 1).fill(0)]);
    expect(percentileMs(emptyHistogram(), 50)).toBeNull();
  });
});
