/**
 * Applies the SQL migrations in prisma/migrations the way `prisma migrate deploy` does, keeping
 * Prisma's `_prisma_migrations` table (same columns, same SHA-256 checksums, same advisory lock),
 * so that `prisma migrate status/deploy` agree with it on machines where the schema engine exists.
 * Each migration runs in its own transaction; a failed one is recorded and blocks later runs, as
 * Prisma does, until someone resolves it.
 */
import { createHash, randomUUID } from 'node:crypto';
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { Client } from 'pg';

/** Prisma's own advisory lock id, so keyops and the Prisma CLI never migrate at the same time. */
const PRISMA_ADVISORY_LOCK = 72707369;

export const MIGRATIONS_DIR = findMigrationsDir();

const CREATE_TABLE = `CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id"                    VARCHAR(36) PRIMARY KEY NOT NULL,
    "checksum"              VARCHAR(64) NOT NULL,
    "finished_at"           TIMESTAMPTZ,
    "migration_name"        VARCHAR(255) NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        TIMESTAMPTZ,
    "started_at"            TIMESTAMPTZ NOT NULL DEFAULT now(),
    "applied_steps_count"   INTEGER NOT NULL DEFAULT 0
)`;

export interface Migration {
  name: string;
  sql: string;
  checksum: string;
}

export function readMigrations(dir: string = MIGRATIONS_DIR): Migration[] {
  return readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(path.join(dir, entry.name, 'migration.sql')))
    .map((entry) => entry.name)
    .sort()
    .map((name) => {
      const bytes = readFileSync(path.join(dir, name, 'migration.sql'));
      return { name, sql: bytes.toString('utf8'), checksum: createHash('sha256').update(bytes).digest('hex') };
    });
}

interface AppliedRow {
  migration_name: string;
  checksum: string;
  finished_at: Date | null;
  rolled_back_at: Date | null;
}

export async function applyMigrations(options: { databaseUrl: string; dir?: string }): Promise<{ applied: string[] }> {
  const migrations = readMigrations(options.dir);
  const client = new Client({ connectionString: options.databaseUrl });
  await client.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [PRISMA_ADVISORY_LOCK]);
    await client.query(CREATE_TABLE);
    const { rows } = await client.query<AppliedRow>(
      'SELECT migration_name, checksum, finished_at, rolled_back_at FROM "_prisma_migrations" ORDER BY started_at',
    );
    const done = checkApplied({ rows, migrations });
    const applied: string[] = [];
    for (const migration of migrations.filter((m) => !done.has(m.name))) {
      await applyOne({ client, migration });
      applied.push(migration.name);
    }
    return { applied };
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [PRISMA_ADVISORY_LOCK]).catch(() => undefined);
    await client.end();
  }
}

function checkApplied(options: { rows: AppliedRow[]; migrations: Migration[] }): Set<string> {
  const byName = new Map(options.migrations.map((m) => [m.name, m]));
  const done = new Set<string>();
  for (const row of options.rows) {
    if (row.rolled_back_at) continue;
    if (!row.finished_at) {
      throw new Error(
        `migration ${row.migration_name} failed earlier and was not resolved; fix the database, then mark it with ` +
          '`prisma migrate resolve` (or delete its row in _prisma_migrations) before starting keyops again',
      );
    }
    const local = byName.get(row.migration_name);
    if (local && local.checksum !== row.checksum) {
      throw new Error(`migration ${row.migration_name} was changed after it was applied; add a new migration instead`);
    }
    done.add(row.migration_name);
  }
  return done;
}

async function applyOne(options: { client: Client; migration: Migration }): Promise<void> {
  const { client, migration } = options;
  const id = randomUUID();
  await client.query('INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at) VALUES ($1, $2, $3, now())', [
    id,
    migration.checksum,
    migration.name,
  ]);
  try {
    await client.query('BEGIN');
    await client.query(migration.sql);
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK');
    await client.query('UPDATE "_prisma_migrations" SET logs = $2 WHERE id = $1', [id, String((error as Error).message)]);
    throw new Error(`migration ${migration.name} failed: ${(error as Error).message}`, { cause: error });
  }
  await client.query('UPDATE "_prisma_migrations" SET finished_at = now(), applied_steps_count = 1 WHERE id = $1', [id]);
}

function findMigrationsDir(): string {
  // From the sources (db/) and from dist/db alike.
  for (const up of ['..', path.join('..', '..')]) {
    const dir = path.resolve(__dirname, up, 'prisma', 'migrations');
    if (existsSync(dir)) return dir;
  }
  return path.resolve(__dirname, '..', 'prisma', 'migrations');
}

/** For `keyops doctor`: what start-up would apply, and what would stop it. Reads only. */
export async function readMigrationStatus(options: { databaseUrl: string; dir?: string }): Promise<{ pending: string[]; problem: string | null }> {
  const migrations = readMigrations(options.dir);
  const client = new Client({ connectionString: options.databaseUrl, connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    const exists = await client.query<{ table: string | null }>(`SELECT to_regclass('"_prisma_migrations"')::text AS table`);
    if (!exists.rows[0]?.table) return { pending: migrations.map((m) => m.name), problem: null };
    const { rows } = await client.query<AppliedRow>('SELECT migration_name, checksum, finished_at, rolled_back_at FROM "_prisma_migrations" ORDER BY started_at');
    try {
      const done = checkApplied({ rows, migrations });
      return { pending: migrations.filter((m) => !done.has(m.name)).map((m) => m.name), problem: null };
    } catch (error) {
      return { pending: [], problem: (error as Error).message };
    }
  } finally {
    await client.end();
  }
}
