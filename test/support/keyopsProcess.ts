/**
 * keyops as a separate OS process, started the way operators start it (bin/keyops.ts, or one
 * production role), for tests and benchmarks that must not share an event loop with the client
 * driving them.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import readline from 'node:readline';

const ROOT = path.resolve(__dirname, '../..');

export interface KeyopsProcess {
  url: string;
  logs: string[];
  child: ChildProcess;
  /** SIGTERM, then wait for a clean exit (SIGKILL after 15 s). Resolves with the exit code. */
  stop(): Promise<number | null>;
  /** Resolves with the exit code once the process has exited (SIGKILL after `timeoutMs`). */
  exit(timeoutMs?: number): Promise<number | null>;
  /** Ctrl-C in a terminal: SIGINT to every process of the group (with `ownGroup`), without waiting. */
  interruptGroup(): void;
}

export async function spawnKeyops(options: {
  entry: 'keyops' | 'bot' | 'api' | 'worker';
  env: Record<string, string>;
  readyTimeoutMs?: number;
  /** Extra flags for node itself, e.g. `--cpu-prof` (which NODE_OPTIONS refuses). */
  nodeArgs?: readonly string[];
  /** Run what `npm run build` wrote (dist/bin/<entry>.js), as production does, instead of the sources. */
  fromDist?: boolean;
  /** A built image's command instead (test/container): `node` is this Node. */
  command?: { argv: readonly string[]; cwd: string; uid?: number; gid?: number };
  /** A process group of its own, as a terminal's foreground job has (for interruptGroup). */
  ownGroup?: boolean;
}): Promise<KeyopsProcess> {
  // Node itself with tsx as a loader, not the tsx CLI: the CLI relays SIGTERM to its child through
  // a 30 ms handshake and SIGKILLs a child slow to answer (exit 143 on a loaded machine), so the
  // clean shutdown under test would never run.
  const entry = options.fromDist ? ['--enable-source-maps', path.join(ROOT, 'dist/bin', `${options.entry}.js`)] : ['--import', 'tsx', path.join(ROOT, 'bin', `${options.entry}.ts`)];
  const [file, ...args] = options.command
    ? [options.command.argv[0] === 'node' ? process.execPath : (options.command.argv[0] as string), ...options.command.argv.slice(1)]
    : [process.execPath, ...(options.nodeArgs ?? []), ...entry];
  const child = spawn(file, args, {
    cwd: options.command?.cwd ?? ROOT,
    uid: options.command?.uid,
    gid: options.command?.gid,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/root', LOG_LEVEL: 'info', KEYOPS_ENV_FILE: '', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: options.ownGroup ?? false,
  });
  const logs: string[] = [];
  // KEYOPS_TEST_LOGS=1 echoes the process's logs while debugging a test or a bench.
  const echo = process.env.KEYOPS_TEST_LOGS === '1';
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const ready = new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`keyops ${options.entry} not ready in time:\n${logs.slice(-20).join('\n')}`)), options.readyTimeoutMs ?? 60_000);
    for (const stream of [child.stdout, child.stderr]) {
      readline.createInterface({ input: stream }).on('line', (line) => {
        logs.push(line);
        if (echo) process.stderr.write(`[${options.entry}] ${line}\n`);
        if (!line.includes('is ready')) return;
        clearTimeout(timer);
        try {
          resolve((JSON.parse(line) as { url?: string }).url ?? '');
        } catch {
          resolve('');
        }
      });
    }
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`keyops ${options.entry} exited with ${code} before it was ready:\n${logs.slice(-20).join('\n')}`));
    });
  });
  const url = await ready;
  const exit = async (timeoutMs = 15_000): Promise<number | null> => {
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    const code = await exited;
    clearTimeout(timer);
    return code;
  };
  return {
    url,
    logs,
    child,
    async stop() {
      if (child.exitCode !== null) return child.exitCode;
      child.kill('SIGTERM');
      return exit(15_000);
    },
    exit,
    interruptGroup() {
      if (child.pid !== undefined) process.kill(-child.pid, 'SIGINT');
    },
  };
}
