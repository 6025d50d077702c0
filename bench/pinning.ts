/**
 * Keeps the load generator and the server under test off each other's cores (taskset, util-linux):
 * on a small machine they would otherwise take turns on the same core, and every turn wrk takes
 * shows up as server latency. The server (this process, every thread of it) gets every core but
 * the last, wrk the last one, as a gateway on its own host would be.
 *
 * A PostgreSQL on this machine goes to the generator's core too, for the bench's duration: in
 * production the database has a host of its own, and here its work for one scenario (autovacuum
 * after the usage upserts, a checkpoint) would otherwise preempt the server in the next one. It is
 * given back every core when the bench ends. Off with BENCH_PIN=0, and on a single core.
 */
import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import os from 'node:os';
import { Client } from 'pg';

/** Which cores the server side and the generator run on. */
export interface Pinning {
  server: string;
  generator: string;
  /** The local PostgreSQL's processes moved to the generator's cores (none when it is remote or not ours to move). */
  database: number[];
}

let pinning: Pinning | null = null;
/** Every core of the machine (os.availableParallelism() would count only this process's, once pinned). */
const machineCores = (): number => os.cpus().length;

export const pinned = (): Pinning | null => pinning;

/** `command args…`, on `cores` when given. */
export function onCores(cores: string | undefined, command: string, args: string[]): [string, string[]] {
  return cores === undefined ? [command, args] : ['taskset', ['-c', cores, command, ...args]];
}

function run(command: string, args: string[]): Promise<boolean> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { stdio: 'ignore' });
    child.once('error', () => resolve(false));
    child.once('exit', (code) => resolve(code === 0));
  });
}

/** The processes `pid` forked (PostgreSQL's backends and helpers are the postmaster's children). */
async function childrenOf(pid: number): Promise<number[]> {
  const text = await readFile(`/proc/${pid}/task/${pid}/children`, 'utf8').catch(() => '');
  return text.trim().split(/\s+/).filter(Boolean).map(Number);
}

/** The postmaster's pid and its children's, when the server at `databaseUrl` runs on this machine and lets us read its data folder. */
async function localPostgres(databaseUrl: string): Promise<number[]> {
  const client = new Client({ connectionString: databaseUrl });
  try {
    await client.connect();
    const { rows } = await client.query<{ dir: string }>('SELECT current_setting($1) AS dir', ['data_directory']);
    const postmaster = Number((await readFile(`${rows[0]?.dir}/postmaster.pid`, 'utf8')).split('\n')[0]);
    if (!Number.isInteger(postmaster) || postmaster <= 0) return [];
    return [postmaster, ...(await childrenOf(postmaster))];
  } catch {
    return [];
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Pins this process, wrk and (when local) PostgreSQL; `unpin` gives PostgreSQL its cores back. */
export async function pinCores(options: { databaseUrl: string }): Promise<Pinning | null> {
  const cores = Math.min(machineCores(), os.availableParallelism());
  if (process.env.BENCH_PIN === '0' || cores < 2) return null;
  const server = cores === 2 ? '0' : `0-${cores - 2}`;
  const generator = String(cores - 1);
  if (!(await run('taskset', ['-a', '-p', '-c', server, String(process.pid)]))) return null;
  const database: number[] = [];
  for (const pid of await localPostgres(options.databaseUrl)) if (await run('taskset', ['-a', '-p', '-c', generator, String(pid)])) database.push(pid);
  pinning = { server, generator, database };
  return pinning;
}

export async function unpin(): Promise<void> {
  if (!pinning) return;
  const all = `0-${machineCores() - 1}`;
  // Backends forked meanwhile inherited the postmaster's cores: every child gets them back too.
  const postmaster = pinning.database[0];
  const children = postmaster === undefined ? [] : await childrenOf(postmaster);
  for (const pid of new Set([...pinning.database, ...children])) await run('taskset', ['-a', '-p', '-c', all, String(pid)]);
  pinning = null;
}
