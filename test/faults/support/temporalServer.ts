/**
 * A Temporal dev server the fault suite can kill and start again: its state in a SQLite file (the
 * default dev server keeps it in memory, which a restart would wipe), on a port that stays the same
 * across restarts so keyops's connections come back to it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import { canConnect, sleep } from '../../../runtime/processes';
import { freePort } from './ports';

export interface FaultTemporal {
  address: string;
  /** SIGKILL: the server's state is whatever SQLite had committed. */
  kill(): Promise<void>;
  start(): Promise<void>;
  stop(): Promise<void>;
}

export async function startFaultTemporal(options: { dir: string }): Promise<FaultTemporal> {
  const cli = process.env.TEMPORAL_CLI_PATH ?? 'temporal';
  const port = await freePort();
  const address = `127.0.0.1:${port}`;
  let child: ChildProcess | null = null;
  const start = async (): Promise<void> => {
    const args = ['server', 'start-dev', '--ip', '127.0.0.1', '--port', String(port), '--headless', '--db-filename', path.join(options.dir, 'temporal.db'), '--log-level', 'error'];
    child = spawn(cli, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    const tail: string[] = [];
    child.stderr?.on('data', (chunk: Buffer) => tail.push(chunk.toString('utf8')));
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      if (child.exitCode !== null) throw new Error(`temporal dev server exited during start-up: ${tail.join('').slice(-2000)}`);
      if (await canConnect('127.0.0.1', port)) {
        try {
          const connection = await Connection.connect({ address, connectTimeout: 2000 });
          try {
            await connection.withDeadline(Date.now() + 2000, () => connection.workflowService.describeNamespace({ namespace: 'default' }));
            return;
          } finally {
            await connection.close();
          }
        } catch {
          // Not serving the namespace yet.
        }
      }
      await sleep(200);
    }
    throw new Error('temporal dev server not ready in 60 s');
  };
  const signal = async (sig: NodeJS.Signals): Promise<void> => {
    const running = child;
    child = null;
    if (!running || running.exitCode !== null) return;
    const exited = new Promise((resolve) => running.once('exit', resolve));
    running.kill(sig);
    await exited;
  };
  await start();
  return { address, start, kill: () => signal('SIGKILL'), stop: () => signal('SIGTERM') };
}
