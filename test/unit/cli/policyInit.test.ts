import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startFakeSlack, type FakeSlack } from '../../../playground/slack';
import { runKeyopsCli } from '../../support/cliRun';

const dir = mkdtempSync(path.join(os.tmpdir(), 'keyops-policy-init-'));
let fake: FakeSlack;
beforeAll(async () => {
  fake = await startFakeSlack({ users: { U04ADA1: { name: 'ada', admin: true }, U04BO22: { name: 'bo' } }, usergroups: { S04OPS9: ['U04BO22'] } });
});
afterAll(async () => {
  await fake.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('npx keyops policy init', () => {
  it('writes a policy whose roles are the workspace admins, which policy check accepts', async () => {
    const out = path.join(dir, 'policy.yaml');
    const env = { SLACK_BOT_TOKEN: fake.botToken, SLACK_API_URL: fake.apiUrl };
    const run = await runKeyopsCli(['policy', 'init', '--out', out], env);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('admins, on-call and approvers are the workspace\'s 1 admin (ada)');
    const text = readFileSync(out, 'utf8');
    expect(text).toContain('admins: [U04ADA1]');
    expect(text).toContain('escalateTo: [U04ADA1]');
    expect(text).not.toMatch(/U0ADMIN|S0ONCALL|S0PLATFORM|S0SECURITY|U04BO22/);
    expect(text).toContain('@s04ops9: S04OPS9');
    expect((await runKeyopsCli(['policy', 'check', out])).code).toBe(0);

    const again = await runKeyopsCli(['policy', 'init', '--out', out], env);
    expect(again.code).not.toBe(0);
    expect(again.stderr).toContain('exists');
  });

  it('says it needs the bot token, and writes nothing without it', async () => {
    const out = path.join(dir, 'none.yaml');
    const run = await runKeyopsCli(['policy', 'init', '--out', out], {});
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('SLACK_BOT_TOKEN');
    expect(existsSync(out)).toBe(false);
  });
});
