import { applyMigrations } from '../../db/migrate';
import { databaseUrl, DB_PREFIX, TEMPLATE_DB, withAdmin } from './databases';

/** Migrates the template every test database is copied from, once per run. */
export default async function globalSetup(): Promise<void> {
  await withAdmin(async (c) => {
    // Leftovers of an interrupted run of this checkout (other checkouts use other prefixes).
    const stale = await c.query<{ datname: string }>('SELECT datname FROM pg_database WHERE starts_with(datname, $1)', [DB_PREFIX]);
    for (const row of stale.rows) await c.query(`DROP DATABASE IF EXISTS "${row.datname}" WITH (FORCE)`);
    await c.query(`CREATE DATABASE "${TEMPLATE_DB}"`);
  });
  await applyMigrations({ databaseUrl: databaseUrl(TEMPLATE_DB) });
}
