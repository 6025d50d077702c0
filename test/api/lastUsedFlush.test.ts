/**
 * Two API processes flushing last-used times for the same keys at once, in opposite orders, while
 * keys are revoked in bulk: nobody deadlocks, every key ends with its newest use, every revocation
 * commits. (Seen during bench:verify: `40P01 deadlock detected` and 1,000 last-used times lost.)
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { loadPolicy } from '../../config/policyFile';
import { commitRevocation } from '../../db/revocations';
import { createDb } from '../../db/client';
import { createTestDatabase, type TestDatabase } from '../support/databases';
import { seedKeys } from '../support/seedKeys';

const ROOT = path.resolve(__dirname, '../..');
const { policy } = loadPolicy(undefined);
const KEYS = 1000;
const OWNERS = 20;
const ROUNDS = 4;

interface Flusher {
  child: ChildProcess;
  ready: Promise<void>;
  result: Promise<{ errors: string[] }>;
}

function startFlusher(job: { databaseUrl: string; ids: string[]; rounds: number; baseMs: number }): Flusher {
  const file = path.join(os.tmpdir(), `keyops-flusher-${process.pid}-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(file, JSON.stringify(job));
  const child = spawn(path.join(ROOT, 'node_modules/.bin/tsx'), ['test/support/lastUsedFlusher.ts', file], { cwd: ROOT, stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
  const ready = new Promise<void>((resolve) => lines.once('line', () => resolve()));
  const result = new Promise<{ errors: string[] }>((resolve, reject) => {
    lines.on('line', (line) => line.startsWith('{') && resolve(JSON.parse(line)));
    child.once('exit', (code) => reject(new Error(`flusher exited with ${code} without a result`)));
  });
  return { child, ready, result };
}

describe('last-used flushes from two processes', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => {
    await database?.drop();
  });

  it('never deadlock, with each other or with bulk revocations, and keep every newest time', async () => {
    const shared = createDb({ databaseUrl: database.url, maxConnections: 4 });
    try {
      const owners = Array.from({ length: OWNERS }, (_, i) => `U0FLUSH${String(i).padStart(2, '0')}`);
      const keys = await seedKeys(shared, { policy, keyHashSecret: 'flush-test-secret-0123456789abcdef', keys: Array.from({ length: KEYS }, (_, i) => ({ ownerId: owners[i % OWNERS] as string })) });
      const ids = keys.map((k) => k.id);
      const baseMs = Date.UTC(2026, 11, 4, 12, 0, 0);
      const flushers = [
        startFlusher({ databaseUrl: database.url, ids, rounds: ROUNDS, baseMs }),
        startFlusher({ databaseUrl: database.url, ids: [...ids].reverse(), rounds: ROUNDS, baseMs }),
      ];
      await Promise.all(flushers.map((f) => f.ready));
      for (const f of flushers) f.child.stdin?.end('go\n');
      // Every owner's keys revoked in bulk while the flushes run.
      const revocations = owners.map((ownerId, i) =>
        commitRevocation(shared, { revocationId: `rev_flush_${i}`, scope: { kind: 'owner', ownerId }, actorId: 'U0ONCALL', reason: 'flush test', source: 'test', via: 'user', now: new Date() }),
      );
      const [results, revoked] = await Promise.all([Promise.all(flushers.map((f) => f.result)), Promise.allSettled(revocations)]);

      expect(results.flatMap((r) => r.errors)).toEqual([]);
      expect(revoked.filter((r) => r.status === 'rejected')).toEqual([]);
      const rows = await shared.apiKey.findMany({ select: { lastUsedAt: true, status: true } });
      expect(rows).toHaveLength(KEYS);
      expect(rows.filter((r) => r.lastUsedAt?.getTime() !== baseMs + ROUNDS * 1000)).toEqual([]);
      expect(rows.every((r) => r.status === 'REVOKED')).toBe(true);
    } finally {
      await shared.$disconnect();
    }
  });
});
