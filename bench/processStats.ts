/**
 * What a keyops process costs, read from /proc (Linux): resident memory and CPU time, summed over
 * the process and its children, and a wait until it is idle.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

/** The process and its descendants (a loader may start node as a child). */
export function processTree(pid: number): number[] {
  let children: number[] = [];
  try {
    children = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    children = [];
  }
  return [pid, ...children.flatMap(processTree)];
}

function statusField(pid: number, field: string): number {
  const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Number(match[1]) * 1024 : 0;
}

/** Resident memory now and at its peak, in bytes. */
export function memoryOf(pid: number): { rss: number; peak: number } {
  const pids = processTree(pid);
  return { rss: pids.reduce((sum, p) => sum + statusField(p, 'VmRSS'), 0), peak: pids.reduce((sum, p) => sum + statusField(p, 'VmHWM'), 0) };
}

/** Clock ticks per second of /proc/<pid>/stat's times (USER_HZ, 100 almost everywhere). */
export const CLOCK_TICKS_PER_SECOND = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;

/** User + system CPU time the process tree has used, in clock ticks. */
export function cpuTicksOf(pid: number): number {
  return processTree(pid).reduce((sum, p) => {
    const fields = readFileSync(`/proc/${p}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
    return sum + Number(fields[11] ?? 0) + Number(fields[12] ?? 0);
  }, 0);
}

/** CPU the process tree used over `run`, as a share of one core (1 = a whole core). */
export async function cpuShareDuring<T>(pid: number, run: () => Promise<T>): Promise<{ share: number; wallMs: number; cpuMs: number; value: T }> {
  const ticksBefore = cpuTicksOf(pid);
  const start = performance.now();
  const value = await run();
  const wallMs = performance.now() - start;
  const cpuMs = ((cpuTicksOf(pid) - ticksBefore) * 1000) / CLOCK_TICKS_PER_SECOND;
  return { share: cpuMs / wallMs, wallMs, cpuMs, value };
}

/** Waits until the process is idle: under 5% of a core for three seconds in a row. */
export async function settle(pid: number, timeoutMs = 600_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const quietTicks = CLOCK_TICKS_PER_SECOND * 0.05;
  let quiet = 0;
  let last = cpuTicksOf(pid);
  while (quiet < 3 && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 1000));
    const now = cpuTicksOf(pid);
    quiet = now - last <= quietTicks ? quiet + 1 : 0;
    last = now;
  }
}
