import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runKeyopsCli } from '../../support/cliRun';

const EXAMPLE = path.resolve(__dirname, '..', '..', '..', 'policy.example.yaml');
const dir = mkdtempSync(path.join(os.tmpdir(), 'keyops-policy-check-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function writePolicy(name: string, text: string): string {
  const file = path.join(dir, name);
  writeFileSync(file, text);
  return file;
}

/** The example with its first `  - name: read` scope made sensitive in a wrong way. */
function brokenExample(): { text: string; line: number } {
  const lines = readFileSync(EXAMPLE, 'utf8').split('\n');
  const index = lines.findIndex((l) => /^\s+sensitive:/.test(l));
  lines[index] = (lines[index] as string).replace(/sensitive:.*/, 'sensitive: sometimes');
  return { text: lines.join('\n'), line: index + 1 };
}

describe('npx keyops policy check', () => {
  it('accepts the shipped example, exit 0', async () => {
    const run = await runKeyopsCli(['policy', 'check', EXAMPLE]);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(`${EXAMPLE}: ok (3 scopes, 3 environments)`);
  });

  it('points at file:line: field: why, exit 1', async () => {
    const { text, line } = brokenExample();
    const file = writePolicy('broken.yaml', text);
    const run = await runKeyopsCli(['policy', 'check', file]);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(new RegExp(`^${file.replace(/[.]/g, '\\.')}:${line}: scopes\\.\\d\\.sensitive: .+`));
  });

  it('reports YAML syntax errors with their line', async () => {
    const file = writePolicy('syntax.yaml', 'scopes:\n  - name: read\n   bad: [\n');
    const run = await runKeyopsCli(['policy', 'check', file]);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(new RegExp(`^${file.replace(/[.]/g, '\\.')}:\\d+: `));
  });

  it('gives scripts JSON', async () => {
    const { text, line } = brokenExample();
    const file = writePolicy('broken-json.yaml', text);
    const run = await runKeyopsCli(['policy', 'check', file, '--json']);
    expect(run.code).toBe(1);
    const answer = JSON.parse(run.stdout) as { ok: boolean; problems: Array<{ line: number; field: string }> };
    expect(answer.ok).toBe(false);
    expect(answer.problems).toContainEqual(expect.objectContaining({ line, field: expect.stringMatching(/^scopes\.\d\.sensitive$/) }));
  });

  it('says when the file cannot be read', async () => {
    const run = await runKeyopsCli(['policy', 'check', path.join(dir, 'missing.yaml')]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('missing.yaml: ENOENT');
  });

  it('wants exactly one file', async () => {
    const run = await runKeyopsCli(['policy', 'check']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('usage: npx keyops policy check <file>');
  });
});
