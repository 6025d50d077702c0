/**
 * Builds the Dockerfile without Docker: each stage gets a folder that stands for its filesystem
 * root, COPY copies from the build context (honouring .dockerignore) or from an earlier stage, RUN
 * runs the stage's shell command in its WORKDIR with its ENV and build arguments. What cannot be
 * reproduced here is the base image itself: the host's Node (the check insists on the image's
 * major version) and the host's /usr/local, except that `npm install --global` lands in the
 * stage's own /usr/local (NPM_CONFIG_PREFIX), first on PATH, as it would in the image.
 */
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, createWriteStream, existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { parseDockerfile, substitute, type Instruction, type Stage } from './dockerfile';
import { parseDockerignore } from './dockerignore';

export interface BuiltImage {
  /** The last stage: the image that runs. */
  stage: Stage;
  /** The folder standing for the image's `/`. */
  root: string;
  /** WORKDIR, as a path on this machine. */
  workdir: string;
  /** ENV of the image. */
  env: Record<string, string>;
  user: string | null;
  cmd: string[];
  exposed: number[];
  /** A path inside the image (`/app/policy.example.yaml`) as a path on this machine. */
  hostPath(imagePath: string): string;
}

export interface BuildOptions {
  context: string;
  /** An empty folder for the stages. */
  dir: string;
  /** Where each RUN's output goes (appended). */
  logFile: string;
  /** The folders already hold a build (KEYOPS_IMAGE_DIR): COPY and RUN are skipped, the rest is read again. */
  reuse?: boolean;
  /** Called before each instruction, for progress. */
  onStep?: (stage: string, instruction: Instruction) => void;
}

interface StageState {
  root: string;
  workdir: string;
  env: Record<string, string>;
  args: Record<string, string>;
  user: string | null;
  cmd: string[];
  exposed: number[];
}

export async function buildImage(options: BuildOptions): Promise<BuiltImage> {
  const stages = parseDockerfile(readFileSync(path.join(options.context, 'Dockerfile'), 'utf8'));
  const ignorePath = path.join(options.context, '.dockerignore');
  const ignored = parseDockerignore(existsSync(ignorePath) ? readFileSync(ignorePath, 'utf8') : '');
  const built = new Map<string, StageState>();
  let last: { stage: Stage; state: StageState } | null = null;
  for (const stage of stages) {
    const state: StageState = { root: path.join(options.dir, stage.name), workdir: '/', env: {}, args: {}, user: null, cmd: [], exposed: [] };
    mkdirSync(state.root, { recursive: true });
    for (const instruction of stage.instructions) {
      options.onStep?.(stage.name, instruction);
      await runInstruction({ instruction, state, built, ignored, options });
    }
    built.set(stage.name, state);
    last = { stage, state };
  }
  const { stage, state } = last as { stage: Stage; state: StageState };
  return {
    stage,
    root: state.root,
    workdir: inStage(state, state.workdir),
    env: state.env,
    user: state.user,
    cmd: state.cmd,
    exposed: state.exposed,
    hostPath: (imagePath) => inStage(state, imagePath),
  };
}

function inStage(state: StageState, imagePath: string): string {
  return path.join(state.root, path.posix.resolve(state.workdir, imagePath));
}

async function runInstruction(o: { instruction: Instruction; state: StageState; built: Map<string, StageState>; ignored: (p: string) => boolean; options: BuildOptions }): Promise<void> {
  const { instruction: ins, state } = o;
  const vars = { ...state.args, ...state.env };
  switch (ins.kind) {
    case 'ARG':
      state.args[ins.name] = ins.value ?? '';
      return;
    case 'ENV':
      for (const [name, value] of Object.entries(ins.vars)) state.env[name] = substitute(value, vars);
      return;
    case 'WORKDIR':
      state.workdir = path.posix.resolve(state.workdir, substitute(ins.dir, vars));
      mkdirSync(inStage(state, state.workdir), { recursive: true });
      return;
    case 'USER':
      state.user = substitute(ins.user, vars);
      return;
    case 'EXPOSE':
      state.exposed.push(...ins.ports);
      return;
    case 'CMD':
      state.cmd = ins.argv;
      return;
    case 'COPY':
      if (o.options.reuse) return;
      return copy({ ...o, instruction: ins, vars });
    case 'RUN':
      if (o.options.reuse) return;
      return run({ state, command: ins.command, line: ins.line, logFile: o.options.logFile });
  }
}

/** Docker's COPY: a folder's contents go into the destination; several sources need a folder destination. */
function copy(o: { instruction: Extract<Instruction, { kind: 'COPY' }>; state: StageState; built: Map<string, StageState>; ignored: (p: string) => boolean; options: BuildOptions; vars: Record<string, string> }): void {
  const { instruction: ins, state } = o;
  const dest = inStage(state, substitute(ins.dest, o.vars));
  const toFolder = ins.sources.length > 1 || /\/\.?$|^\.$/.test(ins.dest);
  const from = ins.from === undefined ? null : o.built.get(ins.from);
  if (ins.from !== undefined && !from) throw new Error(`Dockerfile:${ins.line}: COPY --from=${ins.from}: no such earlier stage`);
  for (const rawSource of ins.sources) {
    const source = substitute(rawSource, o.vars);
    const hostSource = from ? inStage(from, source) : path.join(o.options.context, source);
    const relative = from ? null : path.relative(o.options.context, hostSource).split(path.sep).join('/');
    if (relative !== null && relative !== '' && o.ignored(relative)) throw new Error(`Dockerfile:${ins.line}: COPY ${source}: excluded by .dockerignore, so Docker would fail here`);
    if (!existsSync(hostSource)) throw new Error(`Dockerfile:${ins.line}: COPY ${source}: not found`);
    const target = statSync(hostSource).isDirectory() ? dest : toFolder ? path.join(dest, path.basename(hostSource)) : dest;
    if (from) {
      // Between stages nothing is filtered; `cp -a` keeps modes and is much faster on node_modules.
      mkdirSync(statSync(hostSource).isDirectory() ? target : path.dirname(target), { recursive: true });
      const result = spawnSync('cp', ['-a', statSync(hostSource).isDirectory() ? `${hostSource}/.` : hostSource, target], { encoding: 'utf8' });
      if (result.status !== 0) throw new Error(`Dockerfile:${ins.line}: COPY --from=${ins.from} ${source}: ${result.stderr}`);
      continue;
    }
    const context = o.options.context;
    cpSync(hostSource, target, {
      recursive: true,
      filter: (p) => {
        const rel = path.relative(context, p).split(path.sep).join('/');
        return rel === '' || !o.ignored(rel);
      },
    });
  }
}

function run(o: { state: StageState; command: string; line: number; logFile: string }): Promise<void> {
  const { state } = o;
  const prefix = path.join(state.root, 'usr/local');
  const env: Record<string, string> = {
    // The base image's environment, as far as it matters to npm: its PATH with the stage's /usr/local
    // first, and a HOME whose npm cache makes a second build quick.
    PATH: `${path.join(prefix, 'bin')}:${process.env.PATH ?? ''}`,
    HOME: process.env.HOME ?? '/root',
    NPM_CONFIG_PREFIX: prefix,
    NPM_CONFIG_UPDATE_NOTIFIER: 'false',
    ...networkEnv(),
    ...state.args,
    ...state.env,
  };
  const log = createWriteStream(o.logFile, { flags: 'a' });
  log.write(`\n# Dockerfile:${o.line}: RUN ${o.command}\n`);
  return new Promise<void>((resolve, reject) => {
    const child = spawn('/bin/sh', ['-c', o.command], { cwd: inStage(state, state.workdir), env, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.pipe(log, { end: false });
    child.stderr.pipe(log, { end: false });
    child.once('error', reject);
    child.once('close', (code) => {
      log.end(() => {
        if (code === 0) return resolve();
        const tail = readFileSync(o.logFile, 'utf8').split('\n').slice(-30).join('\n');
        reject(new Error(`Dockerfile:${o.line}: RUN ${o.command}\nexited with ${code}:\n${tail}`));
      });
    });
  });
}

/**
 * How this machine reaches the registry (its CA bundle, proxies, npm settings): what a Docker build
 * here would be given as build arguments too. Nothing else of the host's environment leaks in.
 */
function networkEnv(): Record<string, string> {
  const passed = /^(NODE_EXTRA_CA_CERTS|SSL_CERT_FILE|SSL_CERT_DIR|(HTTPS?|NO)_PROXY|npm_config_.*)$/i;
  return Object.fromEntries(Object.entries(process.env).filter((e): e is [string, string] => passed.test(e[0]) && e[1] !== undefined));
}
