/**
 * Child processes for the embedded default (PostgreSQL, the Temporal dev server): they must never
 * outlive keyops. Three layers, because each covers a different way the parent can go away:
 * - `stop()` for an orderly shutdown (signal, grace period, then SIGKILL);
 * - a `process.on('exit')` hook for when the parent exits without calling `stop()`;
 * - on Linux, `setpriv --pdeathsig` so that the kernel signals the child even when the parent is
 *   SIGKILLed or crashes, which no JavaScript hook can survive.
 * With the kernel guarantee in place the child gets its own process group, so a Ctrl-C in the
 * terminal reaches keyops alone and keyops can drain its workers before stopping the servers; without
 * it (no setpriv) the child stays in the parent's group and a Ctrl-C stops it directly.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { accessSync, constants, readFileSync } from 'node:fs';
import net from 'node:net';
import type { Logger } from './log';

export interface ExitInfo {
  code: number | null;
  signal: NodeJS.Signals | null;
  error?: Error;
}

export interface ManagedProcess {
  readonly pid: number | undefined;
  readonly child: ChildProcess;
  /** Resolves once the process has gone (or could not be spawned); never rejects. */
  readonly exited: Promise<ExitInfo>;
  hasExited(): boolean;
  /** The last lines the process wrote, for error messages. */
  tail(): string[];
  /** `signal`, then SIGKILL after `graceMs`; resolves when the process is gone. */
  stop(options?: { signal?: NodeJS.Signals; graceMs?: number }): Promise<ExitInfo>;
}

export interface SpawnManagedOptions {
  name: string;
  log: Logger;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  uid?: number;
  gid?: number;
  /** Sent by the kernel (Linux) or by the exit hook when the parent goes away. */
  parentDeathSignal: NodeJS.Signals;
  /** Called for every output line; defaults to logging it at debug level. */
  onLine?: (line: string, stream: 'stdout' | 'stderr') => void;
  tailLines?: number;
}

let setprivPath: string | null | undefined;

/** util-linux's setpriv is on every Debian/Ubuntu system (util-linux is essential); --pdeathsig needs ≥ 2.33. */
function findSetpriv(): string | null {
  if (setprivPath !== undefined) return setprivPath;
  setprivPath = null;
  if (process.platform !== 'linux') return setprivPath;
  for (const candidate of ['/usr/bin/setpriv', '/bin/setpriv']) {
    try {
      accessSync(candidate, constants.X_OK);
    } catch {
      continue;
    }
    const help = spawnSync(candidate, ['--help'], { encoding: 'utf8', timeout: 5000 });
    if (help.status === 0 && help.stdout.includes('--pdeathsig')) setprivPath = candidate;
    break;
  }
  return setprivPath;
}

export function spawnManaged(command: string, args: readonly string[], options: SpawnManagedOptions): ManagedProcess {
  const setpriv = findSetpriv();
  const [file, argv] = setpriv
    ? [setpriv, ['--pdeathsig', options.parentDeathSignal, '--', command, ...args]]
    : [command, [...args]];
  const child = spawn(file, argv, {
    cwd: options.cwd,
    env: options.env ?? process.env,
    uid: options.uid,
    gid: options.gid,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: setpriv !== null,
  });

  const maxTail = options.tailLines ?? 40;
  const lines: string[] = [];
  const onLine = options.onLine ?? ((line: string) => options.log.debug(line, { process: options.name }));
  const collect = (stream: 'stdout' | 'stderr') => {
    let partial = '';
    return (chunk: Buffer) => {
      const parts = (partial + chunk.toString('utf8')).split(/\r?\n/);
      partial = parts.pop() ?? '';
      for (const line of parts) {
        if (line.trim() === '') continue;
        lines.push(line);
        if (lines.length > maxTail) lines.shift();
        onLine(line, stream);
      }
    };
  };
  child.stdout?.on('data', collect('stdout'));
  child.stderr?.on('data', collect('stderr'));

  let done = false;
  const onParentExit = (): void => {
    // Only synchronous work is possible here; the child finishes its own shutdown after we are gone.
    if (!done) child.kill(options.parentDeathSignal);
  };
  process.on('exit', onParentExit);

  const exited = new Promise<ExitInfo>((resolve) => {
    const finish = (info: ExitInfo) => {
      if (done) return;
      done = true;
      process.removeListener('exit', onParentExit);
      resolve(info);
    };
    child.once('error', (error) => {
      // 'error' also fires for a failed kill(); only a failed spawn (no pid) means it never ran.
      if (child.pid === undefined) finish({ code: null, signal: null, error });
    });
    child.once('exit', (code, signal) => finish({ code, signal }));
  });

  const stop = async (stopOptions: { signal?: NodeJS.Signals; graceMs?: number } = {}): Promise<ExitInfo> => {
    if (done) return exited;
    child.kill(stopOptions.signal ?? 'SIGTERM');
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), stopOptions.graceMs ?? 10_000);
    });
    const first = await Promise.race([exited, timedOut]);
    clearTimeout(timer);
    if (first === 'timeout') {
      options.log.warn(`${options.name} did not stop in time, killing it`, { pid: child.pid });
      child.kill('SIGKILL');
      return exited;
    }
    return first;
  };

  return { pid: child.pid, child, exited, hasExited: () => done, tail: () => [...lines], stop };
}

/** `kill(pid, 0)` answers whether a process exists; EPERM means it exists but belongs to another user. */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** PIDs are reused after a reboot; where /proc exists, check that the pid is still the program we expect. */
export function processLooksLike(pid: number, programName: string): boolean {
  if (!isProcessAlive(pid)) return false;
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(programName);
  } catch {
    return true;
  }
}

/** A listen attempt is the only reliable check; the caller still handles a race with another program. */
export function isPortFree(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen({ host, port, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

/** A cheap "is anything listening yet" probe, so that slower protocol checks only run once it is. */
export function canConnect(host: string, port: number, timeoutMs = 500): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
