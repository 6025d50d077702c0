// Prisma CLI configuration. keyops applies its migrations itself (db/migrate.ts) because the
// schema engine cannot be downloaded everywhere; where it can, `prisma migrate status/deploy`
// read the same folder and the same _prisma_migrations table.
import { defineConfig } from 'prisma/config';

export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
  datasource: { url: process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/keyops' },
});
