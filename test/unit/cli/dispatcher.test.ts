import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { runKeyopsCli } from '../../support/cliRun';

const ROOT = path.resolve(__dirname, '..', '..', '..');

describe('npx keyops', () => {
  it('runs from the repository root and lists its commands', async () => {
    const { stdout } = await promisify(execFile)('npx', ['--no-install', 'keyops', '--help'], { cwd: ROOT, env: { ...process.env, npm_config_yes: 'false' } });
    expect(stdout).toContain('Usage: npx keyops <command>');
    expect(stdout).toMatch(/doctor\s+check the environment/);
    expect(stdout).toMatch(/policy check <file>\s+validate a policy file/);
  }, 60_000);

  it('prints the overview for no command, exit 0', async () => {
    const run = await runKeyopsCli([]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Commands:');
  });

  it('says which command it does not know, exit 2', async () => {
    const run = await runKeyopsCli(['frobnicate']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('keyops: unknown command "frobnicate"');
  });

  it('lists a group\'s commands when only the group is given', async () => {
    const run = await runKeyopsCli(['policy']);
    expect(run.code).toBe(2);
    expect(run.stdout).toContain('policy check <file>');
    expect(run.stdout).not.toContain('doctor');
  });

  it('has --help on each command, with its options', async () => {
    const run = await runKeyopsCli(['policy', 'check', '--help']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Usage: npx keyops policy check <file> [options]');
    expect(run.stdout).toMatch(/--json\s+print machine-readable JSON/);
  });

  it('refuses an unknown option with a hint, not a stack trace', async () => {
    const run = await runKeyopsCli(['doctor', '--frob']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("keyops: Unknown option '--frob'");
    expect(run.stderr).toContain('see: keyops doctor --help');
    expect(run.stderr).not.toContain('    at ');
  });
});
