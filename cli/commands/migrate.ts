/**
 * `keyops migrate`: applies the pending database migrations (db/migrate.ts, the same applier the
 * worker runs at start-up) and exits. For deployments that migrate before the new version starts:
 * the Kubernetes manifests run it as an init container. Safe to run from many places at once
 * (Prisma's advisory lock), and a no-op when the database is up to date.
 */
import { applyMigrations } from '../../db/migrate';
import { JSON_OPTION, type CliCommand } from '../command';
import { databaseEnv } from '../store';

export const migrateCommand: CliCommand = {
  words: ['migrate'],
  summary: 'apply pending database migrations (what the worker does at start-up), then exit',
  description: 'Reads DATABASE_DIRECT_URL when set (the lock needs a session of its own, past a transaction-mode pooler), else DATABASE_URL. Run it before a new version starts, e.g. as a Kubernetes init container.',
  options: { ...JSON_OPTION },
  async run({ options, io }) {
    const env = databaseEnv(io.env);
    const { applied } = await applyMigrations({ databaseUrl: env.DATABASE_DIRECT_URL ?? env.DATABASE_URL });
    if (options.json) io.out(JSON.stringify({ applied }));
    else if (applied.length === 0) io.out('database up to date: no migration to apply');
    else for (const name of applied) io.out(`applied ${name}`);
    return 0;
  },
};
