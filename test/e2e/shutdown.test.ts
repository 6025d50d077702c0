/**
 * Stopping keyops whatever is going on: `npm start`'s process (bin/keyops.ts) with the Slack API
 * unreachable, a client in the middle of a 100 MB chunked upload to /slack/events, then SIGTERM.
 * It used to take about a minute (the HTTP server waited for the upload); it must exit within
 * 10 s, say what it cut short, and stop answering ready from the moment the stop begins.
 */
import http from 'node:http';
import net from 'node:net';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { createTestDatabase, type TestDatabase } from '../support/databases';
import { KEY_HASH_SECRET, VERIFY_TOKEN } from '../support/keyopsHarness';
import { spawnKeyops } from '../support/keyopsProcess';
import { createDevServerEnv } from '../support/temporal';

let database: TestDatabase;
let temporal: TestWorkflowEnvironment;
beforeAll(async () => {
  database = await createTestDatabase();
  temporal = await createDevServerEnv();
});
afterAll(async () => {
  await temporal?.teardown();
  await database?.drop();
});

/** A port nothing listens on: bound, then released. */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Starts a chunked upload of up to 100 MB that goes on while the test does other things. */
function startUpload(url: string): { stop(): void } {
  const req = http.request(url, { method: 'POST', headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked' } });
  req.on('error', () => undefined);
  const chunk = Buffer.alloc(64 * 1024, 'a');
  let sent = 0;
  let stopped = false;
  const pump = (): void => {
    while (!stopped && sent < 100 * 1024 * 1024) {
      sent += chunk.length;
      if (!req.write(chunk)) return void req.once('drain', pump);
    }
  };
  pump();
  return { stop: () => ((stopped = true), req.destroy()) };
}

async function readiness(url: string): Promise<number | 'refused'> {
  try {
    return (await fetch(`${url}/healthz`)).status;
  } catch {
    return 'refused';
  }
}

it('exits within 10 s of SIGTERM with Slack unreachable and an upload in flight, unready from the start', async () => {
  const keyops = await spawnKeyops({
    entry: 'keyops',
    env: {
      DATABASE_URL: database.url,
      TEMPORAL_ADDRESS: temporal.address,
      SLACK_BOT_TOKEN: 'xoxb-test-token',
      SLACK_SIGNING_SECRET: 'test-signing-secret',
      SLACK_API_URL: `http://127.0.0.1:${await closedPort()}/api/`,
      KEY_HASH_SECRET,
      VERIFY_API_TOKEN: VERIFY_TOKEN,
      PORT: '0',
      KEYOPS_DATA_DIR: `/tmp/keyops-shutdown-${process.pid}`,
    },
    readyTimeoutMs: 120_000,
  });
  const upload = startUpload(`${keyops.url}/slack/events`);
  try {
    await new Promise((r) => setTimeout(r, 1000));
    const exited = new Promise<number | null>((resolve) => keyops.child.once('exit', (code) => resolve(code)));
    const stoppingAt = Date.now();
    keyops.child.kill('SIGTERM');
    await new Promise<void>((resolve) => {
      const check = (): void => (keyops.logs.some((l) => l.includes('shutting down')) ? resolve() : void setTimeout(check, 10));
      check();
    });
    expect(await readiness(keyops.url)).not.toBe(200);
    const timeout = new Promise<'still running'>((resolve) => setTimeout(() => resolve('still running'), 20_000));
    const outcome = await Promise.race([exited, timeout]);
    const ms = Date.now() - stoppingAt;
    expect(outcome).not.toBe('still running');
    expect(ms).toBeLessThan(10_000);
    expect(keyops.logs.join('\n')).toMatch(/cut short/);
  } finally {
    upload.stop();
    if (keyops.child.exitCode === null) keyops.child.kill('SIGKILL');
  }
}, 180_000);
