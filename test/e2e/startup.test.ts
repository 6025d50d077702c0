/**
 * `npm start` as a newcomer runs it: nothing configured, so bin/keyops.ts starts an embedded
 * PostgreSQL and a Temporal dev server, generates its secrets, answers health and verification,
 * stops cleanly on SIGTERM and comes back with its data.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { mintKey } from '../../domain/keyFormat';
import { spawnKeyops } from '../support/keyopsProcess';

const dataDir = mkdtempSync(path.join(tmpdir(), 'keyops-start-'));
// Ports away from the defaults, so a developer's own `npm start` does not collide with the test.
const env = { PORT: '0', KEYOPS_DATA_DIR: dataDir, EMBEDDED_POSTGRES_PORT: String(20000 + (process.pid % 20000)), TEMPORAL_DEV_PORT: String(41000 + (process.pid % 10000)), ...(process.env.TEMPORAL_CLI_PATH ? { TEMPORAL_CLI_PATH: process.env.TEMPORAL_CLI_PATH } : {}) };

afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

function serversOf(dir: string): string {
  try {
    return execFileSync('pgrep', ['-af', dir], { encoding: 'utf8' });
  } catch {
    return ''; // pgrep exits 1 when nothing matches
  }
}

async function verify(url: string, body: unknown, token?: string): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await fetch(`${url}/v1/keys/verify`, { method: 'POST', headers: token ? { authorization: `Bearer ${token}` } : {}, body: JSON.stringify(body) });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

describe('npm start with nothing configured', () => {
  it('runs on embedded defaults, answers as the contract says, stops cleanly and keeps its data', async () => {
    const first = await spawnKeyops({ entry: 'keyops', env, readyTimeoutMs: 90_000 });
    try {
      expect((await fetch(`${first.url}/healthz`)).status).toBe(200);
      const { verifyApiToken } = JSON.parse(readFileSync(path.join(dataDir, 'secrets.json'), 'utf8')) as { verifyApiToken: string };
      expect((await verify(first.url, { key: 'ko_test_x' })).status).toBe(401);
      expect((await verify(first.url, { key: 'ko_test_x' }, verifyApiToken)).json).toMatchObject({ valid: false, code: 'MALFORMED' });
      expect((await verify(first.url, { key: mintKey({ prefix: 'ko', envTag: 'test' }) }, verifyApiToken)).json).toMatchObject({ valid: false, code: 'NOT_FOUND' });
      expect(first.logs.join('\n')).toContain('the playground plays Slack at http://127.0.0.1:');
      expect(first.logs.join('\n')).toContain('Slack is not connected: set SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET');
      expect(first.logs.join('\n')).toContain('slack/manifest.yaml');
      expect(first.logs.join('\n')).toContain('new cluster created');
    } finally {
      expect(await first.stop()).toBe(0);
    }
    // Every shutdown step ran: none failed (the worker used to be stopped twice, once by the SDK).
    expect(first.logs.filter((line) => line.includes('"level":"error"'))).toEqual([]);
    expect(serversOf(dataDir)).toBe('');
    expect(existsSync(path.join(dataDir, 'postgres', 'PG_VERSION'))).toBe(true);

    const second = await spawnKeyops({ entry: 'keyops', env, readyTimeoutMs: 90_000, ownGroup: true });
    let third: Awaited<ReturnType<typeof spawnKeyops>> | undefined;
    try {
      expect((await fetch(`${second.url}/healthz`)).status).toBe(200);
      // Same data folder: the database was reused, not initialised again.
      expect(second.logs.join('\n')).not.toContain('new cluster created');
      expect(second.logs.join('\n')).toContain('embedded postgres started');
      // Ctrl-C: the terminal interrupts the whole group (keyops, its PostgreSQL, its Temporal) and
      // npm gives the prompt back at once, so the person starts keyops again while the last one is
      // still stopping. The new one waits for it rather than failing on a server "already running".
      second.interruptGroup();
      third = await spawnKeyops({ entry: 'keyops', env, readyTimeoutMs: 90_000 });
      expect(await second.exit()).toBe(0);
      expect((await fetch(`${third.url}/healthz`)).status).toBe(200);
    } finally {
      if (second.child.exitCode === null) await second.stop();
      if (third) expect(await third.stop()).toBe(0);
    }
    expect(serversOf(dataDir)).toBe('');
    // Three starts of PostgreSQL, Temporal and keyops, two clean stops and a Ctrl-C.
  }, 300_000);

  it('refuses to start with a bad policy file, naming the file, line and field', async () => {
    await expect(spawnKeyops({ entry: 'keyops', env: { ...env, POLICY_FILE: path.resolve(__dirname, 'fixtures/bad-policy.yaml') } })).rejects.toThrow(/bad-policy\.yaml:\d+: .*environments\.0\.defaultLifetime/);
  });
});
