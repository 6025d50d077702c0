/**
 * A real verification API process: the production entry point (bin/api.ts, through tsx) against a
 * test database and Temporal, on a port of its own choosing. Its JSON log lines are kept.
 */
import { spawn } from 'node:child_process';
import http from 'node:http';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { KEY_HASH_SECRET, VERIFY_TOKEN } from './keyopsHarness';

const ROOT = path.resolve(__dirname, '../..');

export interface ApiProcess {
  url: string;
  logs: string[];
  verify(key: string): Promise<Record<string, unknown>>;
  /** SIGTERM, then the exit code once it is gone. */
  stop(): Promise<number | null>;
}

export async function startApiProcess(options: { databaseUrl: string; temporalAddress: string; readyTimeoutMs?: number; env?: Record<string, string> }): Promise<ApiProcess> {
  const child = spawn(path.join(ROOT, 'node_modules/.bin/tsx'), ['bin/api.ts'], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      DATABASE_URL: options.databaseUrl,
      TEMPORAL_ADDRESS: options.temporalAddress,
      KEY_HASH_SECRET,
      VERIFY_API_TOKEN: VERIFY_TOKEN,
      PORT: '0',
      LOG_LEVEL: 'info',
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs: string[] = [];
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  createInterface({ input: child.stderr as NodeJS.ReadableStream }).on('line', (line) => logs.push(line));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => fail(new Error('did not become ready in time')), options.readyTimeoutMs ?? 60_000);
    const fail = (error: Error): void => {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(new Error(`API process: ${error.message}\n${logs.slice(-20).join('\n')}`));
    };
    void exited.then((code) => fail(new Error(`exited with ${code} before it was ready`)));
    createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', (line) => {
      logs.push(line);
      const entry = parseLine(line);
      if (entry?.msg === 'keyops api is ready' && typeof entry.url === 'string') {
        clearTimeout(timer);
        resolve(entry.url);
      }
    });
  });
  const agent = new http.Agent({ keepAlive: true });
  return {
    url,
    logs,
    verify: (key) => postVerify({ url, key, agent }),
    async stop() {
      agent.destroy();
      if (child.exitCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
}

function parseLine(line: string): Record<string, unknown> | null {
  try {
    return JSON.parse(line) as Record<string, unknown>;
  } catch {
    return null;
  }
}

function postVerify(options: { url: string; key: string; agent: http.Agent }): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const body = JSON.stringify({ key: options.key });
    const req = http.request(
      `${options.url}/v1/keys/verify`,
      { method: 'POST', agent: options.agent, headers: { authorization: `Bearer ${VERIFY_TOKEN}`, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          if (res.statusCode !== 200) return reject(new Error(`verify answered HTTP ${res.statusCode}: ${text}`));
          resolve(JSON.parse(text) as Record<string, unknown>);
        });
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}
