/**
 * The load generator for bench/verify.ts: `wrk` (Debian: `apt-get install wrk`), a C program
 * that is not the bottleneck the bench's old Node generator was (it saturated near 5,000
 * requests/s). Requests come from bench/wrk/keyops.lua, built once per thread from a file of
 * keys or bodies; its done() prints one JSON line, parsed here.
 *
 * `startStaticResponder` is the generator's ceiling: the same wrk script against nginx answering
 * 200 with no work (a tiny Node server when nginx is not installed), so a reader can see how far
 * below what wrk can send the measured numbers are.
 *
 * wrk runs on the generator's cores and the ceiling's nginx on the server's when bench/pinning.ts
 * pinned them.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { freePort } from '../test/support/gateways';
import { NGINX, writeNginxConf } from '../test/support/nginx';
import { onCores, pinned } from './pinning';

const SCRIPT = path.join(__dirname, 'wrk', 'keyops.lua');
const WRK = process.env.WRK_PATH ?? 'wrk';

export type WrkMode = 'verify' | 'authorize' | 'body';

export interface WrkRun {
  url: string;
  mode: WrkMode;
  /** A file with one key (verify, authorize) or one JSON body (body) a line. */
  itemsFile: string;
  token: string;
  connections: number;
  threads: number;
  seconds: number;
  /** Each connection waits this long between requests (a paced load, such as the flood). */
  delayMs?: number;
}

export interface WrkResult {
  requests: number;
  seconds: number;
  perSecond: number;
  p50Ms: number;
  p90Ms: number;
  p99Ms: number;
  maxMs: number;
  /** Connect, read, write errors and timeouts (HTTP statuses ≥ 400 are in `statusErrors`). */
  socketErrors: number;
  statusErrors: number;
  /** How many times a thread ran out of items and started over. */
  wrapped: number;
}

interface WrkLine {
  requests: number;
  durationUs: number;
  p50Us: number;
  p90Us: number;
  p99Us: number;
  maxUs: number;
  connectErrors: number;
  readErrors: number;
  writeErrors: number;
  statusErrors: number;
  timeouts: number;
  wrapped: number;
}

/** Fails with a clear message when wrk is missing, before any setup is spent. */
export async function checkWrk(): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const child = spawn(WRK, ['--version'], { stdio: 'ignore' });
    child.on('error', () => reject(new Error(`bench:verify needs wrk (apt-get install wrk, or WRK_PATH): "${WRK}" did not run`)));
    child.on('exit', () => resolve());
  });
}

export function runWrk(run: WrkRun): Promise<WrkResult> {
  const threads = Math.min(run.threads, run.connections);
  const args = ['-t', String(threads), '-c', String(run.connections), '-d', `${run.seconds}s`, '--timeout', '10s', '-s', SCRIPT, run.url];
  const env = { ...process.env, KEYOPS_WRK_MODE: run.mode, KEYOPS_WRK_ITEMS: run.itemsFile, KEYOPS_WRK_TOKEN: run.token, KEYOPS_WRK_THREADS: String(threads), KEYOPS_WRK_DELAY_MS: String(run.delayMs ?? 0) };
  return new Promise((resolve, reject) => {
    const child = spawn(...onCores(pinned()?.generator, WRK, args), { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code) => {
      const line = out.split('\n').find((l) => l.startsWith('{"keyopsWrk"'));
      if (code !== 0 || !line) return reject(new Error(`wrk exited with ${code}: ${err.trim() || out.trim()}`));
      const r = JSON.parse(line) as WrkLine;
      const seconds = r.durationUs / 1e6;
      resolve({
        requests: r.requests,
        seconds,
        perSecond: r.requests / seconds,
        p50Ms: r.p50Us / 1000,
        p90Ms: r.p90Us / 1000,
        p99Ms: r.p99Us / 1000,
        maxMs: r.maxUs / 1000,
        socketErrors: r.connectErrors + r.readErrors + r.writeErrors + r.timeouts,
        statusErrors: r.statusErrors,
        wrapped: r.wrapped,
      });
    });
  });
}

export interface StaticResponder {
  url: string;
  /** What answers: "nginx" or "node". */
  kind: string;
  stop(): Promise<void>;
}

async function waitForPort(port: number, deadlineMs: number): Promise<void> {
  const until = Date.now() + deadlineMs;
  for (;;) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = net.connect(port, '127.0.0.1');
      socket.once('connect', () => (socket.destroy(), resolve(true)));
      socket.once('error', () => resolve(false));
    });
    if (open) return;
    if (Date.now() > until) throw new Error(`nothing listens on ${port}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** nginx (one worker, like the one Node process measured) answering 200 "ok" to everything. */
export async function startStaticResponder(): Promise<StaticResponder> {
  const port = await freePort();
  const dir = await mkdtemp(path.join(os.tmpdir(), 'keyops-bench-nginx-'));
  const args = await writeNginxConf(dir, {
    workerConnections: 1024,
    errorLevel: 'error',
    http: ['access_log off;', 'keepalive_requests 1000000;', `server { listen 127.0.0.1:${port}; location / { default_type application/json; return 200 '{"ok":true}'; } }`],
  });
  const child = spawn(...onCores(pinned()?.server, NGINX, args), { stdio: 'ignore' });
  const started = await Promise.race([
    new Promise<boolean>((resolve) => child.once('error', () => resolve(false))),
    waitForPort(port, 5000).then(() => true, () => false),
  ]);
  if (started) {
    return {
      url: `http://127.0.0.1:${port}`,
      kind: 'nginx (1 worker)',
      stop: async () => {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGQUIT');
        await exited;
        await rm(dir, { recursive: true, force: true });
      },
    };
  }
  child.kill('SIGKILL');
  await rm(dir, { recursive: true, force: true });
  // No nginx: a tiny Node server in its own process, the fastest answer Node itself can give.
  const node = spawn(...onCores(pinned()?.server, process.execPath, ['-e', `require('http').createServer((q,s)=>{q.resume();q.on('end',()=>s.writeHead(200,{'content-type':'application/json','content-length':11}).end('{"ok":true}'))}).listen(${port},'127.0.0.1')`]), { stdio: 'ignore' });
  await waitForPort(port, 5000);
  return {
    url: `http://127.0.0.1:${port}`,
    kind: 'node:http (no nginx found)',
    stop: async () => {
      const exited = new Promise((resolve) => node.once('exit', resolve));
      node.kill('SIGTERM');
      await exited;
    },
  };
}

/** Items for wrk, one a line, in a temporary folder `dir`. */
export async function writeItems(dir: string, name: string, items: readonly string[]): Promise<string> {
  const file = path.join(dir, `${name}.txt`);
  await writeFile(file, items.join('\n') + '\n');
  return file;
}

