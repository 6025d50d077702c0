import { readMigrations } from '../../db/migrate';
import { createTestDatabase, type TestDatabase } from '../support/databases';
import { runKeyopsCli } from '../support/cliRun';

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase({ fromTemplate: false });
});
afterAll(() => database.drop());

describe('npx keyops migrate', () => {
  it('applies every migration to an empty database, then finds nothing to do', async () => {
    const first = await runKeyopsCli(['migrate', '--json'], { DATABASE_URL: database.url });
    expect(first).toMatchObject({ code: 0, stderr: '' });
    expect(JSON.parse(first.stdout)).toEqual({ applied: readMigrations().map((m) => m.name) });

    const again = await runKeyopsCli(['migrate'], { DATABASE_URL: database.url });
    expect(again).toEqual({ code: 0, stdout: 'database up to date: no migration to apply', stderr: '' });
    const doctor = await runKeyopsCli(['doctor'], { DATABASE_URL: database.url });
    expect(doctor.stdout).toMatch(/ok\s+migrations\s+.*up to date/);
  });

  it('says what to set when DATABASE_URL is missing', async () => {
    const run = await runKeyopsCli(['migrate'], {});
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('DATABASE_URL is not set');
  });
});
