/**
 * The migration applier keeps Prisma's `_prisma_migrations` table the way `prisma migrate deploy`
 * does, so the Prisma CLI and keyops agree about what is applied.
 */
import { createHash } from 'node:crypto';
import { cpSync, mkdtempSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { applyMigrations, MIGRATIONS_DIR, readMigrations } from '../../db/migrate';
import { createTestDatabase, type TestDatabase } from '../support/databases';

let database: TestDatabase;
beforeEach(async () => {
  database = await createTestDatabase({ fromTemplate: false });
});
afterEach(async () => {
  await database.drop();
});

async function rows(url: string) {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query('SELECT migration_name, checksum, finished_at, applied_steps_count, logs, rolled_back_at FROM _prisma_migrations ORDER BY migration_name')).rows;
  } finally {
    await client.end();
  }
}

function copyMigrations(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'keyops-migrations-'));
  cpSync(MIGRATIONS_DIR, dir, { recursive: true });
  return dir;
}

describe('applyMigrations', () => {
  it('applies every migration once and records it as Prisma does', async () => {
    const first = await applyMigrations({ databaseUrl: database.url });
    expect(first.applied).toEqual(readMigrations().map((m) => m.name));
    expect((await applyMigrations({ databaseUrl: database.url })).applied).toEqual([]);

    const recorded = await rows(database.url);
    const init = recorded[0];
    const sql = readFileSync(path.join(MIGRATIONS_DIR, init.migration_name, 'migration.sql'));
    expect(init.checksum).toBe(createHash('sha256').update(sql).digest('hex'));
    expect(init.finished_at).toBeInstanceOf(Date);
    expect(init.applied_steps_count).toBe(1);
    expect(init.rolled_back_at).toBeNull();
  });

  it('applies once when two processes start together', async () => {
    const results = await Promise.all([applyMigrations({ databaseUrl: database.url }), applyMigrations({ databaseUrl: database.url })]);
    expect(results.map((r) => r.applied.length).sort()).toEqual([0, readMigrations().length]);
    expect(await rows(database.url)).toHaveLength(readMigrations().length);
  });

  it('refuses a migration that was changed after it was applied', async () => {
    const dir = copyMigrations();
    await applyMigrations({ databaseUrl: database.url, dir });
    const name = readMigrations(dir)[0]?.name as string;
    writeFileSync(path.join(dir, name, 'migration.sql'), readFileSync(path.join(dir, name, 'migration.sql'), 'utf8') + '\n-- edited\n');
    await expect(applyMigrations({ databaseUrl: database.url, dir })).rejects.toThrow(/changed after it was applied/);
  });

  it('records a failed migration, rolls back its changes and blocks later runs until resolved', async () => {
    const dir = copyMigrations();
    mkdirSync(path.join(dir, '99990101000000_broken'));
    writeFileSync(path.join(dir, '99990101000000_broken', 'migration.sql'), 'CREATE TABLE half_done (id int);\nSELECT * FROM no_such_table;\n');
    await expect(applyMigrations({ databaseUrl: database.url, dir })).rejects.toThrow(/99990101000000_broken failed/);
    const broken = (await rows(database.url)).find((r) => r.migration_name === '99990101000000_broken');
    expect(broken).toMatchObject({ finished_at: null, applied_steps_count: 0 });
    expect(broken?.logs).toMatch(/no_such_table/);
    const client = new Client({ connectionString: database.url });
    await client.connect();
    expect((await client.query("SELECT to_regclass('half_done') AS t")).rows[0].t).toBeNull();
    await client.end();
    await expect(applyMigrations({ databaseUrl: database.url, dir })).rejects.toThrow(/failed earlier and was not resolved/);
  });
});
