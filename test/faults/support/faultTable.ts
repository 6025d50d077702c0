/**
 * The suite's report: one row per injected fault (fault, step, outcome, recovery time). Test files
 * run in separate workers, so rows are appended to one file that the global teardown prints.
 */
import { appendFileSync, existsSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DB_PREFIX } from '../../support/databases';

const TABLE_FILE = path.join(tmpdir(), `${DB_PREFIX}-faults.jsonl`);

export interface FaultRow {
  fault: string;
  step: string;
  outcome: string;
  /** From the fault to the journey's next step as its user sees it; null when nothing had to recover. */
  recoveryMs: number | null;
}

export function recordFault(row: FaultRow): void {
  appendFileSync(TABLE_FILE, `${JSON.stringify(row)}\n`);
}

export function resetFaultTable(): void {
  rmSync(TABLE_FILE, { force: true });
}

export function formatFaultTable(): string {
  if (!existsSync(TABLE_FILE)) return 'no faults recorded';
  const rows = readFileSync(TABLE_FILE, 'utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line) as FaultRow);
  const cells = rows.map((r) => [r.fault, r.step, r.outcome, r.recoveryMs === null ? '–' : `${(r.recoveryMs / 1000).toFixed(1)} s`]);
  const header = ['fault', 'step', 'outcome', 'recovery'];
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => (c[i] ?? '').length)));
  const line = (c: string[]): string => `| ${c.map((x, i) => x.padEnd(widths[i] ?? 0)).join(' | ')} |`;
  return [line(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...cells.map(line)].join('\n');
}
