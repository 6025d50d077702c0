/**
 * The real nginx and Caddy (Debian's packages), run as child processes on free ports with their
 * configuration in a temporary folder. The configuration is the one keyops ships in
 * examples/gateways/, with only its addresses and token replaced: if the examples change shape,
 * the replacements fail loudly instead of testing something else.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { eventually } from './eventually';
import { NGINX, writeNginxConf } from './nginx';

const EXAMPLES = path.resolve(__dirname, '../../examples/gateways');

export interface GatewayTargets {
  /** keyops's API, `host:port`. */
  keyops: string;
  /** The API behind the gateway, `host:port`. */
  upstream: string;
  token: string;
}

export interface RunningGateway {
  name: 'nginx' | 'caddy';
  url: string;
  logs: string[];
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Replaces each placeholder, insisting that it is there. */
function fillIn(text: string, file: string, replacements: Array<[string, string]>): string {
  return replacements.reduce((out, [from, to]) => {
    if (!out.includes(from)) throw new Error(`${file} no longer contains ${JSON.stringify(from)}: update test/support/gateways.ts with it`);
    return out.split(from).join(to);
  }, text);
}

export async function startNginx(targets: GatewayTargets): Promise<RunningGateway> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'keyops-nginx-'));
  const port = await freePort();
  const site = await readFile(path.join(EXAMPLES, 'nginx/keyops.conf'), 'utf8');
  await writeFile(
    path.join(dir, 'keyops.conf'),
    fillIn(site, 'nginx/keyops.conf', [['127.0.0.1:3001', targets.keyops], ['127.0.0.1:8080', targets.upstream], ['listen 8000;', `listen 127.0.0.1:${port};`], ['CHANGE-ME', targets.token]]),
  );
  await writeFile(path.join(dir, 'keyops-auth.conf'), await readFile(path.join(EXAMPLES, 'nginx/keyops-auth.conf'), 'utf8'));
  const args = await writeNginxConf(dir, { http: ['access_log off;', 'include keyops.conf;'] });
  const child = spawn(NGINX, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  return running({ name: 'nginx', child, port, dir, stopSignal: 'SIGQUIT' });
}

export async function startCaddy(targets: GatewayTargets): Promise<RunningGateway> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'keyops-caddy-'));
  const port = await freePort();
  const example = await readFile(path.join(EXAMPLES, 'Caddyfile'), 'utf8');
  const site = fillIn(example, 'Caddyfile', [['127.0.0.1:3001', targets.keyops], ['127.0.0.1:8080', targets.upstream], [':8000 {', `http://127.0.0.1:${port} {`], ['CHANGE-ME', targets.token]]);
  // No admin endpoint (it would want port 2019) and nothing persisted outside the temp folder.
  await writeFile(path.join(dir, 'Caddyfile'), `{\n\tadmin off\n}\n\n${site}`);
  const child = spawn('caddy', ['run', '--config', path.join(dir, 'Caddyfile'), '--adapter', 'caddyfile'], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { PATH: process.env.PATH, HOME: dir, XDG_DATA_HOME: dir, XDG_CONFIG_HOME: dir },
  });
  return running({ name: 'caddy', child, port, dir, stopSignal: 'SIGTERM' });
}

export async function running(options: { name: RunningGateway['name']; child: ChildProcess; port: number; dir: string; stopSignal: NodeJS.Signals }): Promise<RunningGateway> {
  const { child, port } = options;
  const logs: string[] = [];
  for (const stream of [child.stdout, child.stderr]) if (stream) createInterface({ input: stream }).on('line', (line) => logs.push(line));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) child.kill(options.stopSignal);
    await exited;
    await rm(options.dir, { recursive: true, force: true });
  };
  try {
    await eventually(
      async () => {
        if (child.exitCode !== null) throw new Error(`${options.name} exited with ${child.exitCode}:\n${logs.join('\n')}`);
        return canConnect(port);
      },
      { timeoutMs: 15_000, what: `${options.name} to listen on ${port}` },
    );
  } catch (error) {
    await stop();
    throw error;
  }
  return { name: options.name, url: `http://127.0.0.1:${port}`, logs, stop };
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
  });
}
