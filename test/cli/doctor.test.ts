import path from 'node:path';
import { createTestDatabase, type TestDatabase } from '../support/databases';
import { runKeyopsCli } from '../support/cliRun';
import { startFakeSlack, type FakeSlack } from '../../playground/slack';

const EXAMPLE = path.resolve(__dirname, '..', '..', 'policy.example.yaml');
let database: TestDatabase;
let slack: FakeSlack;

beforeAll(async () => {
  database = await createTestDatabase();
  slack = await startFakeSlack();
});
afterAll(async () => {
  await slack.close();
  await database.drop();
});

function line(stdout: string, name: string): string {
  return stdout.split('\n').find((l) => l.split(/\s+/)[1] === name) ?? `(no ${name} line)`;
}

describe('npx keyops doctor', () => {
  it('says ok for what answers and what to fix for what does not, exit 1', async () => {
    const run = await runKeyopsCli(['doctor'], {
      DATABASE_URL: database.url,
      // Nothing listens on port 1: Temporal is the one to fix.
      TEMPORAL_ADDRESS: '127.0.0.1:1',
      SLACK_BOT_TOKEN: slack.botToken,
      SLACK_SIGNING_SECRET: 'a-signing-secret',
      SLACK_API_URL: slack.apiUrl,
      REDIS_URL: 'redis://127.0.0.1:6379',
      POLICY_FILE: EXAMPLE,
    });
    expect(run.code).toBe(1);
    expect(line(run.stdout, 'environment')).toMatch(/^ok /);
    expect(line(run.stdout, 'policy')).toMatch(/^ok .*3 scopes/);
    expect(line(run.stdout, 'database')).toMatch(/^ok .*PostgreSQL \d+/);
    expect(line(run.stdout, 'migrations')).toMatch(/^ok .*up to date/);
    expect(line(run.stdout, 'temporal')).toMatch(/^FAIL .*127\.0\.0\.1:1 .*check TEMPORAL_ADDRESS/);
    expect(line(run.stdout, 'slack')).toMatch(/^ok .*auth\.test: keyops in Test/);
    expect(line(run.stdout, 'redis')).toMatch(/^ok /);
  });

  it('names a wrong Slack token and an unreachable database, and never prints a secret', async () => {
    const run = await runKeyopsCli(['doctor', '--json'], {
      DATABASE_URL: 'postgresql://keyops:hunter2-password@127.0.0.1:1/keyops',
      SLACK_BOT_TOKEN: 'xoxb-wrong-token',
      SLACK_SIGNING_SECRET: 'a-signing-secret',
      SLACK_API_URL: slack.apiUrl,
    });
    expect(run.code).toBe(1);
    const answer = JSON.parse(run.stdout) as { ok: boolean; checks: Array<{ name: string; status: string; detail: string }> };
    const byName = Object.fromEntries(answer.checks.map((c) => [c.name, c]));
    expect(answer.ok).toBe(false);
    expect(byName.database).toMatchObject({ status: 'fail', detail: expect.stringContaining('check DATABASE_URL') });
    expect(byName.slack).toMatchObject({ status: 'fail', detail: expect.stringContaining('invalid_auth') });
    expect(byName.temporal?.status).toBe('skip');
    expect(byName.redis?.status).toBe('skip');
    expect(run.stdout).not.toContain('hunter2');
    expect(run.stdout).not.toContain('xoxb-wrong-token');
  });

  it('stops at an environment that does not parse', async () => {
    const run = await runKeyopsCli(['doctor'], { KEY_HASH_SECRET: 'short' });
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/^FAIL +environment +invalid environment:; KEY_HASH_SECRET: must be at least 32 characters/);
  });
});
