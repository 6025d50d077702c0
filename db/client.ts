import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from '../generated/prisma/client';
import { utcDatabaseUrl } from './connection';

export type Db = PrismaClient;

/** Prisma on the pg driver adapter: no native query engine is needed anywhere. */
export function createDb(options: { databaseUrl: string; maxConnections?: number }): Db {
  const adapter = new PrismaPg({ connectionString: utcDatabaseUrl(options.databaseUrl), max: options.maxConnections ?? 10 });
  return new PrismaClient({ adapter });
}
