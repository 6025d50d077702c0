/**
 * Latency histograms with fixed bucket bounds, stored per key and minute (and hour, and day) as
 * `int[]`. Because every row uses the same bounds, any two histograms merge by adding their
 * buckets element-wise: an hour is the sum of its minutes, a month the sum of its days, and
 * percentiles come from the merged counts. The price of mergeability is resolution: a percentile
 * is reported as the upper bound of the bucket it falls in ("p95 ≤ 250 ms"), never interpolated.
 *
 * Layout: bucket i counts latencies in (BOUNDS[i-1], BOUNDS[i]] milliseconds; the last bucket
 * (index BOUNDS.length) counts everything above the largest bound.
 *
 * Changing BOUNDS changes the meaning of stored rows: append only, never reorder.
 */
export const LATENCY_BOUNDS_MS: readonly number[] = [5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000];
export const LATENCY_BUCKETS = LATENCY_BOUNDS_MS.length + 1;

export type Histogram = number[];

export function emptyHistogram(): Histogram {
  return new Array<number>(LATENCY_BUCKETS).fill(0);
}

export function bucketOf(latencyMs: number): number {
  const index = LATENCY_BOUNDS_MS.findIndex((bound) => latencyMs <= bound);
  return index === -1 ? LATENCY_BOUNDS_MS.length : index;
}

/** Adds `from` into `into` (shorter or empty arrays, e.g. rows written before a bound was appended, count as zeros). */
export function mergeHistogram(into: Histogram, from: readonly number[]): Histogram {
  for (let i = 0; i < LATENCY_BUCKETS; i++) into[i] = (into[i] ?? 0) + (from[i] ?? 0);
  return into;
}

export function histogramCount(histogram: readonly number[]): number {
  return histogram.reduce((sum, n) => sum + n, 0);
}

/**
 * The bucket the p-th percentile falls in (nearest-rank: the smallest bucket holding at least
 * p% of the observations), as its upper bound in ms; `Infinity` for the overflow bucket and
 * null when there is nothing to measure.
 */
export function percentileMs(histogram: readonly number[], p: number): number | null {
  const total = histogramCount(histogram);
  if (total === 0) return null;
  const rank = Math.max(1, Math.ceil((p / 100) * total));
  let seen = 0;
  for (let i = 0; i < histogram.length; i++) {
    seen += histogram[i] ?? 0;
    if (seen >= rank) return LATENCY_BOUNDS_MS[i] ?? Infinity;
  }
  return Infinity;
}
