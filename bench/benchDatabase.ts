/** A throwaway database for a benchmark run, migrated like production, with keys seeded in bulk. */
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { applyMigrations } from '../db/migrate';
import { mintKey } from '../domain/keyFormat';
import { hashKey } from '../domain/keyHash';
import { newKeyId } from '../domain/ids';

/** The server the bench's throwaway databases are created on. */
export const ADMIN_URL = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';

export interface BenchDatabase {
  url: string;
  drop(): Promise<void>;
}

async function asAdmin(sql: string): Promise<void> {
  const client = new Client({ connectionString: ADMIN_URL });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

export async function createBenchDatabase(): Promise<BenchDatabase> {
  const name = `keyops_bench_${process.pid}_${randomBytes(3).toString('hex')}`;
  await asAdmin(`CREATE DATABASE "${name}"`);
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  await applyMigrations({ databaseUrl: url.toString() });
  return { url: url.toString(), drop: () => asAdmin(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`) };
}

export interface BenchKey {
  id: string;
  key: string;
}

/**
 * ACTIVE keys, inserted without firing the change trigger (nobody listens to those inserts, and
 * tens of thousands of notifications would only slow the seeding down).
 */
export async function seedKeys(options: { databaseUrl: string; count: number; ownerId: string; prefix: string; envTag: string; environment: string; secret: string }): Promise<BenchKey[]> {
  const keys = Array.from({ length: options.count }, () => ({ id: newKeyId(), key: mintKey({ prefix: options.prefix, envTag: options.envTag }) }));
  const client = new Client({ connectionString: options.databaseUrl });
  await client.connect();
  try {
    for (let i = 0; i < keys.length; i += 5000) {
      const batch = keys.slice(i, i + 5000);
      await client.query('BEGIN');
      await client.query('SET LOCAL session_replication_role = replica');
      await client.query(
        `INSERT INTO api_keys (id, owner_id, name, environment, scopes, status, key_hash, masked_key, expires_at, revealed_at)
         SELECT id, $3, 'bench ' || id, $4, '{read}', 'ACTIVE', hash, $5 || right(id, 4), now() + interval '30 days', now()
           FROM unnest($1::text[], $2::text[]) AS k(id, hash)`,
        [batch.map((k) => k.id), batch.map((k) => hashKey({ key: k.key, secret: options.secret })), options.ownerId, options.environment, `${options.prefix}_${options.envTag}_…`],
      );
      await client.query('COMMIT');
    }
  } finally {
    await client.end();
  }
  return keys;
}
