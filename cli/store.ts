/** What commands that read or change keyops's data share: the database, and who is acting. */
import os from 'node:os';
import { parseEnv, type Env } from '../config/env';
import { createDb, type Db } from '../db/client';
import { CliError } from './command';

export function databaseEnv(source: NodeJS.ProcessEnv): Env & { DATABASE_URL: string } {
  const env = parseEnv(source);
  if (!env.DATABASE_URL) {
    throw new CliError('DATABASE_URL is not set', { hint: 'point it at the PostgreSQL keyops uses (postgresql://user:password@host:5432/keyops)' });
  }
  return env as Env & { DATABASE_URL: string };
}

export async function withDb<T>(source: NodeJS.ProcessEnv, run: (db: Db, env: Env & { DATABASE_URL: string }) => Promise<T>): Promise<T> {
  const env = databaseEnv(source);
  const db = createDb({ databaseUrl: env.DATABASE_URL, maxConnections: 2 });
  try {
    return await run(db, env);
  } finally {
    await db.$disconnect();
  }
}

/** The audit actor of a CLI action: the OS user and host, as the break-glass record must name them. */
export function cliActor(): string {
  return `cli:${os.userInfo().username}@${os.hostname()}`;
}
