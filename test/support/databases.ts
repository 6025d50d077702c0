/**
 * Test databases on the real PostgreSQL. globalSetup migrates one template database; every test
 * file gets its own copy (CREATE DATABASE … TEMPLATE is a file copy: milliseconds), so files run in
 * parallel without sharing rows.
 */
import { createHash, randomBytes } from 'node:crypto';
import path from 'node:path';
import { Client } from 'pg';
import { createDb, type Db } from '../../db/client';

export const ADMIN_URL = process.env.TEST_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
/** Per checkout, so two working copies can run their suites on one server without clobbering. */
export const DB_PREFIX = `keyops_test_${createHash('sha1').update(path.resolve(__dirname, '../..')).digest('hex').slice(0, 6)}`;
export const TEMPLATE_DB = `${DB_PREFIX}_template`;

export function databaseUrl(name: string): string {
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  return url.toString();
}

export async function withAdmin<T>(fn: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: ADMIN_URL });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

export interface TestDatabase {
  name: string;
  url: string;
  drop(): Promise<void>;
}

export async function createTestDatabase(options: { fromTemplate?: boolean } = {}): Promise<TestDatabase> {
  const name = `${DB_PREFIX}_${process.pid}_${randomBytes(4).toString('hex')}`;
  await withAdmin((c) => c.query(options.fromTemplate === false ? `CREATE DATABASE "${name}"` : `CREATE DATABASE "${name}" TEMPLATE "${TEMPLATE_DB}"`));
  return {
    name,
    url: databaseUrl(name),
    drop: () => withAdmin((c) => c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`)).then(() => undefined),
  };
}

/**
 * A migrated database and a Prisma client for the tests of one file (or describe block): made in
 * beforeAll, dropped in afterAll. Read `db` inside tests, not when the file loads.
 */
export function useTestDb(): { readonly db: Db } {
  let database: TestDatabase | undefined;
  let db: Db | undefined;
  beforeAll(async () => {
    database = await createTestDatabase();
    db = createDb({ databaseUrl: database.url });
  });
  afterAll(async () => {
    await db?.$disconnect();
    await database?.drop();
  });
  return {
    get db(): Db {
      if (!db) throw new Error('useTestDb: the database is made in beforeAll; use it inside tests');
      return db;
    },
  };
}
