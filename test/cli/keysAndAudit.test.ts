/** npx keyops keys list / keys revoke / audit export, against a real database and a fake Slack. */
import os from 'node:os';
import v8 from 'node:v8';
import vm from 'node:vm';
import { loadPolicy } from '../../config/policyFile';
import { newKeyId } from '../../domain/ids';
import { startFakeSlack, type FakeSlack } from '../../playground/slack';
import { runKeyopsCli } from '../support/cliRun';
import { createTestDatabase, type TestDatabase } from '../support/databases';
import { createDb, type Db } from '../../db/client';
import { mintStoredKey } from '../support/seedKeys';

const SECRET = 'a-test-key-hash-secret-of-32-chars-or-more';
const policy = loadPolicy(undefined).policy;
const ACTOR = `cli:${os.userInfo().username}@${os.hostname()}`;
let database: TestDatabase;
let db: Db;
let slack: FakeSlack;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  database = await createTestDatabase();
  db = createDb({ databaseUrl: database.url, maxConnections: 2 });
  slack = await startFakeSlack();
  env = { DATABASE_URL: database.url, KEY_HASH_SECRET: SECRET, SLACK_BOT_TOKEN: slack.botToken, SLACK_SIGNING_SECRET: 'a-signing-secret', SLACK_API_URL: slack.apiUrl };
});
afterAll(async () => {
  await db.$disconnect();
  await slack.close();
  await database.drop();
});

function exposeGc(): () => void {
  v8.setFlagsFromString('--expose-gc');
  return vm.runInNewContext('gc') as () => void;
}

async function seedKey(ownerId: string, name: string): Promise<{ id: string; key: string; maskedKey: string }> {
  const minted = mintStoredKey({ policy, keyHashSecret: SECRET });
  const id = newKeyId();
  await db.apiKey.create({ data: { id, ownerId, name, environment: 'test', scopes: ['read'], status: 'ACTIVE', keyHash: minted.keyHash, maskedKey: minted.maskedKey, expiresAt: new Date(Date.now() + 86_400_000) } });
  return { id, key: minted.key, maskedKey: minted.maskedKey };
}

describe('npx keyops keys', () => {
  it('lists keys masked, filtered by owner, as a table or JSON', async () => {
    const mine = await seedKey('U0LISTME', 'billing-sync');
    await seedKey('U0SOMEONE', 'other');
    const table = await runKeyopsCli(['keys', 'list', '--owner', 'U0LISTME'], env);
    expect(table.code).toBe(0);
    expect(table.stdout.split('\n')[0]).toMatch(/^ID +KEY +STATUS +ENV +OWNER/);
    expect(table.stdout).toContain(mine.id);
    expect(table.stdout).toContain(mine.maskedKey);
    expect(table.stdout).not.toContain('U0SOMEONE');
    expect(table.stdout).not.toContain(mine.key);
    const json = JSON.parse((await runKeyopsCli(['keys', 'list', '--owner', 'U0LISTME', '--json'], env)).stdout) as Array<{ id: string; status: string }>;
    expect(json).toEqual([expect.objectContaining({ id: mine.id, status: 'ACTIVE' })]);
  });

  it('revokes a key named by the full key, audits the operator and tells the owner', async () => {
    const seeded = await seedKey('U0REVOKED', 'leaky');
    const run = await runKeyopsCli(['keys', 'revoke', seeded.key, '--reason', 'found in a <public> gist'], env);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(`revoked ${seeded.id} (${seeded.maskedKey}, owner U0REVOKED); owner told on Slack`);
    expect(await db.apiKey.findUniqueOrThrow({ where: { id: seeded.id } })).toMatchObject({ status: 'REVOKED', revokedBy: ACTOR, revokedReason: 'found in a <public> gist' });
    expect(await db.auditEvent.findFirst({ where: { targetId: seeded.id, action: 'key.revoked' } })).toMatchObject({ actorId: ACTOR, source: 'cli' });
    const dm = slack.messages().find((m) => m.text.includes(seeded.maskedKey));
    expect(dm?.text).toContain('revoked by an operator');
    expect(dm?.text).toContain('found in a &lt;public&gt; gist');
    expect(slack.allText()).not.toContain(seeded.key);
    expect((await runKeyopsCli(['keys', 'revoke', seeded.id, '--reason', 'again'], env)).stdout).toBe(`${seeded.id} was already revoked`);
  });

  it('still revokes when Slack is not reachable, and says the owner was not told', async () => {
    const seeded = await seedKey('U0OFFLINE', 'offline');
    const run = await runKeyopsCli(['keys', 'revoke', seeded.id, '--reason', 'slack is down', '--json'], { ...env, SLACK_API_URL: 'http://127.0.0.1:1/api/' });
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ revoked: seeded.id, ownerTold: false });
    expect((await db.apiKey.findUniqueOrThrow({ where: { id: seeded.id } })).status).toBe('REVOKED');
  });

  it('wants a reason and a database', async () => {
    expect((await runKeyopsCli(['keys', 'revoke', 'key_0000000000000000'], env)).stderr).toContain('--reason is required');
    const noDb = await runKeyopsCli(['keys', 'list'], {});
    expect(noDb.code).toBe(1);
    expect(noDb.stderr).toContain('keyops: DATABASE_URL is not set');
  });
});

describe('npx keyops audit export', () => {
  it('writes the events of the period as JSON lines or CSV, and audits the export', async () => {
    await db.auditEvent.create({ data: { actorId: 'U0ADMIN', action: 'key.revoked', targetType: 'key', targetId: 'key_exportme000001', source: 'slack:C1', details: { reason: '=HYPERLINK("http://x")' } } });
    await db.auditEvent.create({ data: { actorId: 'U0OLD', action: 'key.created', targetType: 'key', targetId: 'key_tooold00000001', source: 'slack:C1', at: new Date(Date.now() - 40 * 86_400_000) } });
    const jsonl = await runKeyopsCli(['audit', 'export', '--since', '30d'], env);
    expect(jsonl.code).toBe(0);
    const events = jsonl.stdout.split('\n').map((l) => JSON.parse(l) as { actor: string; targetId: string; details: unknown });
    expect(events).toContainEqual(expect.objectContaining({ actor: 'U0ADMIN', targetId: 'key_exportme000001', details: { reason: '=HYPERLINK("http://x")' } }));
    expect(events.some((e) => e.targetId === 'key_tooold00000001')).toBe(false);
    const csv = await runKeyopsCli(['audit', 'export', '--format', 'csv'], env);
    const lines = csv.stdout.split('\r\n');
    expect(lines[0]).toBe('id,at,actor,action,target_type,target_id,source,details');
    // A reason typed like a formula is not one in a spreadsheet.
    expect(lines.find((l) => l.includes('key_exportme000001'))).toContain(`"'{""reason"":""=HYPERLINK(\\""http://x\\"")""}"`.replace("'{", '{'));
    expect(await db.auditEvent.count({ where: { action: 'audit.exported', actorId: ACTOR } })).toBe(2);
    expect((await runKeyopsCli(['audit', 'export', '--format', 'xml'], env)).code).toBe(2);
  });

  it('streams a large log in constant memory', async () => {
    const rows = 300_000;
    await db.$executeRawUnsafe(
      `INSERT INTO audit_events (actor_id, action, target_type, target_id, source, details)
       SELECT 'U0BULK', 'key.verified', 'key', 'key_' || lpad(g::text, 16, '0'), 'api', jsonb_build_object('reason', repeat('x', 150), 'n', g)
         FROM generate_series(1, ${rows}) g`,
    );
    // What the export holds on to, not the garbage it leaves: collect before sampling.
    const gc = exposeGc();
    gc();
    const start = process.memoryUsage().heapUsed;
    let peak = start;
    let bytes = 0;
    let lines = 0;
    let writes = 0;
    const run = await runKeyopsCli(['audit', 'export'], env, {
      onWrite: (text) => {
        bytes += text.length;
        lines += text.split('\n').length - 1;
        if (++writes % 25 !== 1) return;
        gc();
        peak = Math.max(peak, process.memoryUsage().heapUsed);
      },
    });
    expect(run.code).toBe(0);
    expect(lines).toBeGreaterThanOrEqual(rows);
    expect(bytes).toBeGreaterThan(60_000_000);
    expect(writes).toBeGreaterThan(100); // written as it is read, not at the end
    // Holding the export would take more than its size; streaming holds a batch.
    expect(peak - start).toBeLessThan(20_000_000);
  }, 180_000);
});
