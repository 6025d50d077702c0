import { percentile } from './stats';

/**
 * What a benchmark is, and how its numbers are summarised. Benches measure real keyops (PostgreSQL,
 * a local Temporal dev server, the Bolt app) with only Slack faked, through the test harness.
 */
export interface Bench {
  name: string;
  /** One line: what is timed, from which event to which. */
  measures: string;
  run(): Promise<BenchReport>;
}

export interface BenchReport {
  /** Each series is a list of milliseconds; the first is the headline. */
  series: Array<{ label: string; samplesMs: number[]; targetP95Ms?: number }>;
  notes?: string[];
}

export function formatReport(bench: Bench, report: BenchReport): string {
  const lines = [`${bench.name}: ${bench.measures}`];
  for (const s of report.series) {
    const sorted = [...s.samplesMs].sort((a, b) => a - b);
    const p95 = percentile(sorted, 95);
    const target = s.targetP95Ms === undefined ? '' : `  target p95 < ${s.targetP95Ms} ms: ${p95 < s.targetP95Ms ? 'met' : 'MISSED'}`;
    lines.push(
      `  ${s.label.padEnd(44)} n=${s.samplesMs.length}  p50 ${percentile(sorted, 50).toFixed(0)} ms  p95 ${p95.toFixed(0)} ms  p99 ${percentile(sorted, 99).toFixed(0)} ms  max ${(sorted[sorted.length - 1] ?? NaN).toFixed(0)} ms${target}`,
    );
  }
  for (const note of report.notes ?? []) lines.push(`  ${note}`);
  return lines.join('\n');
}

/** Lets each bench file run alone: `tsx bench/<name>.ts`. */
export async function runBenches(benches: readonly Bench[]): Promise<void> {
  let failed = false;
  for (const bench of benches) {
    try {
      console.log(formatReport(bench, await bench.run()));
    } catch (error) {
      failed = true;
      console.error(`${bench.name} failed:`, error);
    }
  }
  process.exitCode = failed ? 1 : 0;
}

/** Runs `task(i)` for i in [0, total) with at most `concurrency` in flight. */
export async function runConcurrently(total: number, concurrency: number, task: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  const workers = Array.from({ length: Math.min(concurrency, total) }, async () => {
    while (next < total) await task(next++);
  });
  await Promise.all(workers);
}
