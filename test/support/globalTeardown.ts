import { TEMPLATE_DB, withAdmin } from './databases';

/** Leaves the server as the run found it: each test file drops its own database, this the template. */
export default async function globalTeardown(): Promise<void> {
  await withAdmin((c) => c.query(`DROP DATABASE IF EXISTS "${TEMPLATE_DB}" WITH (FORCE)`));
}
