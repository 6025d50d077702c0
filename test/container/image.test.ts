/**
 * The Dockerfile, tried (`npm run test:container`, run by .ci/run after `npm test`). No Docker engine
 * runs here, so imageBuild.ts builds the Dockerfile's stages into folders with the Dockerfile's own
 * steps (RUN, COPY with .dockerignore, ENV, WORKDIR, USER, CMD), and this file starts the runtime
 * stage's processes as docker-compose.yml and deploy/kubernetes/ start them: their commands, their
 * environment, as an unprivileged user that cannot write the image's files, against the real
 * PostgreSQL, a Temporal dev server, Redis and the fake Slack. A module that `npm prune --omit=dev`
 * removed, or a file the runtime stage does not copy, fails here rather than in someone's cluster.
 *
 * KEYOPS_IMAGE_DIR=<dir> builds into <dir> and, when it already holds a build, reuses it (iterating).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { createSlackDriver, startFakeSlack, type FakeSlack } from '../../playground/slack';
import { createTestDatabase, type TestDatabase } from '../support/databases';
import { interpolateCompose, keyopsServices, ROOT } from '../support/deployFiles';
import { kubernetesDeployments, memoryBytes } from '../support/kubernetesManifests';
import { spawnKeyops, type KeyopsProcess } from '../support/keyopsProcess';
import { createDevServerEnv } from '../support/temporal';
import { clickReveal, shownKeys, submitNewKey, waitForOffer, waitForShownKey } from '../faults/support/journeys';
import { buildImage, type BuiltImage } from './imageBuild';

const SIGNING_SECRET = 'container-signing-secret';
const VERIFY_TOKEN = 'container-verify-token-0123456789';
const KEY_HASH_SECRET = 'container-key-hash-secret-0123456789abcdef';

type Role = 'worker' | 'bot' | 'api';

let image: BuiltImage;
let buildDir: string;
let database: TestDatabase;
let temporal: TestWorkflowEnvironment;
let fake: FakeSlack;
const running = new Map<Role | 'all-in-one', KeyopsProcess>();

/** The image's USER: its uid here when this runs as root (as CI does), else whoever runs the test. */
function imageUser(name: string | null): { uid?: number; gid?: number } {
  if (process.getuid?.() !== 0 || !name) return {};
  const id = (flag: string, user: string): number | null => {
    const r = spawnSync('id', [flag, user], { encoding: 'utf8' });
    return r.status === 0 ? Number(r.stdout.trim()) : null;
  };
  // The node image's `node` user; where this machine has none, `nobody` stands in for it.
  const user = id('-u', name) === null ? 'nobody' : name;
  return { uid: id('-u', user) as number, gid: id('-g', user) as number };
}

/** A role's environment as compose gives it, with compose's network names replaced by this machine's servers. */
function roleEnv(service: string): Record<string, string> {
  const composeEnv = keyopsServices().find(([name]) => name === service)?.[1].environment ?? {};
  const dotEnv = { POSTGRES_PASSWORD: 'not-used-here', SLACK_BOT_TOKEN: fake.botToken, SLACK_SIGNING_SECRET: SIGNING_SECRET, VERIFY_API_TOKEN: VERIFY_TOKEN, KEY_HASH_SECRET };
  const env: Record<string, string> = { ...image.env };
  for (const [name, value] of Object.entries(composeEnv)) {
    const filled = interpolateCompose(String(value), dotEnv);
    // A path inside the image (POLICY_FILE=/app/policy.example.yaml) is that file of the build.
    env[name] = filled.startsWith('/') && existsSync(image.hostPath(filled)) ? image.hostPath(filled) : filled;
  }
  const local: Record<string, string> = { DATABASE_URL: database.url, TEMPORAL_ADDRESS: temporal.address, PORT: '0', SLACK_API_URL: fake.apiUrl, HOME: '/nonexistent' };
  if (env.REDIS_URL !== undefined) local.REDIS_URL = 'redis://127.0.0.1:6379';
  return { ...env, ...local };
}

function composeCommand(service: string): string[] {
  const command = keyopsServices().find(([name]) => name === service)?.[1].command;
  if (!command) throw new Error(`docker-compose.yml: ${service} has no command`);
  return command;
}

async function start(role: Role | 'all-in-one', argv: readonly string[], env: Record<string, string>): Promise<KeyopsProcess> {
  const entry = role === 'all-in-one' ? 'keyops' : role;
  const p = await spawnKeyops({ entry, env, readyTimeoutMs: 180_000, command: { argv, cwd: image.workdir, ...imageUser(image.user) } });
  running.set(role, p);
  return p;
}

async function health(url: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${url}/healthz`);
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

/** Peak resident memory of a process (Linux), in bytes. */
function peakRss(p: KeyopsProcess): number {
  const line = readFileSync(`/proc/${p.child.pid}/status`, 'utf8').split('\n').find((l) => l.startsWith('VmHWM:')) ?? '';
  return Number(/(\d+)/.exec(line)?.[1] ?? 0) * 1024;
}

beforeAll(async () => {
  const reuse = process.env.KEYOPS_IMAGE_DIR;
  buildDir = reuse ?? mkdtempSync(path.join(tmpdir(), 'keyops-image-'));
  mkdirSync(buildDir, { recursive: true });
  // mkdtemp's folder is private to root; the image's user must reach its files, as in a container.
  chmodSync(buildDir, 0o755);
  const started = Date.now();
  image = await buildImage({
    context: ROOT,
    dir: buildDir,
    logFile: path.join(buildDir, 'build.log'),
    reuse: reuse !== undefined && existsSync(path.join(buildDir, 'build.log')),
    onStep: (stage, step) => process.stderr.write(`container build: [${stage}] Dockerfile:${step.line} ${step.kind} (${Math.round((Date.now() - started) / 1000)} s)\n`),
  });
  database = await createTestDatabase({ fromTemplate: false });
  temporal = await createDevServerEnv();
  fake = await startFakeSlack();
}, 1_800_000);

afterAll(async () => {
  for (const p of running.values()) await p.stop();
  await fake?.close();
  await temporal?.teardown();
  await database?.drop();
  if (!process.env.KEYOPS_IMAGE_DIR && buildDir) rmSync(buildDir, { recursive: true, force: true });
}, 120_000);

describe('the image the Dockerfile builds', () => {
  it("runs on this machine's Node major, the base image's", () => {
    const major = /^node:(\d+)/.exec(image.stage.base)?.[1];
    expect({ base: image.stage.base, node: process.versions.node.split('.')[0] }).toEqual({ base: image.stage.base, node: major });
  });

  it('holds the production dependencies only, and nothing .dockerignore keeps out', () => {
    const modules = (name: string): boolean => existsSync(path.join(image.workdir, 'node_modules', name));
    expect(['@temporalio/worker', '@prisma/client', '@slack/bolt', 'pino', 'prom-client'].filter((m) => !modules(m))).toEqual([]);
    expect(['jest', 'ts-jest', 'tsx', 'eslint', '@temporalio/testing', 'playwright-core'].filter(modules)).toEqual([]);
    expect(['dist/bin/bot.js', 'dist/workflow-bundle.js', 'generated', 'prisma/migrations', 'playground/public/index.html'].filter((f) => !existsSync(path.join(image.workdir, f)))).toEqual([]);
    const buildStage = path.join(buildDir, 'build', 'app');
    expect(['.git', '.env', 'test', '.keyops', 'bench'].filter((f) => existsSync(path.join(buildStage, f)))).toEqual([]);
  });

  it("migrates an empty database with the Kubernetes init container's command", () => {
    const init = kubernetesDeployments().flatMap((d) => d.spec.template.spec.initContainers ?? []).find((c) => c.name === 'migrate');
    expect(init?.command).toBeDefined();
    const [node, ...args] = init?.command as string[];
    expect(node).toBe('node');
    const run = (): string =>
      execFileSync(process.execPath, args, { cwd: image.workdir, env: { ...roleEnv('keyops-worker'), KEYOPS_ENV_FILE: '' }, encoding: 'utf8', ...imageUser(image.user) });
    expect(run()).toMatch(/^applied \d+_/m);
    expect(run().trim()).toBe('database up to date: no migration to apply');
  });

  it('starts the worker, the bot and the API with the commands and environment of docker-compose.yml, each healthy', async () => {
    for (const role of ['worker', 'bot', 'api'] as const) {
      const p = await start(role, composeCommand(`keyops-${role}`), roleEnv(`keyops-${role}`));
      const { status, body } = await health(p.url);
      // The API connects to Temporal only when it first needs it (verify never does): its health may say so.
      const temporalCheck = role === 'api' ? expect.any(String) : 'ok';
      expect({ role, status, body }).toEqual({ role, status: 200, body: { status: 'ok', checks: expect.objectContaining({ database: 'ok', temporal: temporalCheck }) } });
      expect((await fetch(`${p.url}/livez`)).status).toBe(200);
      const metrics = await fetch(`${p.url}/metrics`);
      expect({ role, metrics: metrics.status, type: metrics.headers.get('content-type') }).toEqual({ role, metrics: 200, type: expect.stringContaining('text/plain') });
    }
    const worker = running.get('worker') as KeyopsProcess;
    expect((await health(worker.url)).body.checks).toMatchObject({ worker: 'ok' });
    expect(worker.logs.join('\n')).toContain('workflows from the prebuilt bundle');
  }, 600_000);

  it('serves a whole key journey: asked in Slack (bot), minted by a workflow (worker), verified by the API', async () => {
    const bot = running.get('bot') as KeyopsProcess;
    const api = running.get('api') as KeyopsProcess;
    expect(bot && api).toBeTruthy();
    const slack = { fake, driver: createSlackDriver({ fake, url: `${bot.url}/slack/events`, signingSecret: SIGNING_SECRET }) };
    const userId = 'U0IMAGE01';
    expect(await submitNewKey(slack, userId, { name: 'Image check', environment: 'test', modalTimeoutMs: 60_000 })).toEqual({ acked: true });
    await clickReveal(slack, userId, await waitForOffer(slack, userId, 120_000));
    await waitForShownKey(slack, userId, 120_000);
    const [shown] = shownKeys(slack, userId);
    const res = await fetch(`${api.url}/v1/keys/verify`, {
      method: 'POST',
      headers: { authorization: `Bearer ${VERIFY_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ key: shown?.key }),
    });
    expect(await res.json()).toMatchObject({ valid: true, code: 'VALID', owner: userId, environment: 'test' });
  }, 600_000);

  it('keeps each role within the memory limit its Kubernetes Deployment sets', () => {
    const limits = Object.fromEntries(kubernetesDeployments().map((d) => [d.metadata.name, memoryBytes(d.spec.template.spec.containers[0]?.resources?.limits?.memory ?? '0')]));
    for (const role of ['worker', 'bot', 'api'] as const) {
      const peak = peakRss(running.get(role) as KeyopsProcess);
      process.stderr.write(`container build: keyops-${role} peak RSS ${Math.round(peak / 2 ** 20)} MiB, limit ${Math.round((limits[`keyops-${role}`] ?? 0) / 2 ** 20)} MiB\n`);
      expect({ role, withinLimit: peak > 0 && peak < (limits[`keyops-${role}`] ?? 0) }).toEqual({ role, withinLimit: true });
    }
  });

  it('runs the all-in-one command too, against the same servers (the playground when no Slack is set)', async () => {
    const env = { ...roleEnv('keyops-bot'), SLACK_BOT_TOKEN: '', SLACK_SIGNING_SECRET: '' };
    const p = await start('all-in-one', ['node', '--enable-source-maps', 'dist/bin/keyops.js'], env);
    expect((await health(p.url)).status).toBe(200);
    const page = await fetch(`${p.url}/`);
    expect({ status: page.status, html: (await page.text()).includes('<html') }).toEqual({ status: 200, html: true });
  }, 300_000);

  it('stops every process cleanly on SIGTERM (exit code 0)', async () => {
    const codes: Record<string, number | null> = {};
    for (const [role, p] of [...running.entries()].reverse()) codes[role] = await p.stop();
    running.clear();
    expect(codes).toEqual({ 'all-in-one': 0, api: 0, bot: 0, worker: 0 });
  }, 120_000);
});
