/**
 * `npx keyops patterns` against the real scanners: secretlint (npm) and detect-secrets (PyPI, as
 * `.ci/run` installs it; DETECT_SECRETS_PATH or `detect-secrets` on PATH). A fixture repository
 * holds one real key, one with a bad checksum and two look-alikes: each scanner must find exactly
 * the real key. gitleaks and GitHub run elsewhere; their regex is checked here as they would read it.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadPolicy } from '../../config/policyFile';
import { encodeChecksum, mintKey } from '../../domain/keyFormat';
import { keyPatternFor } from '../../cli/patterns/keyPattern';
import { runKeyopsCli } from '../support/cliRun';

const ROOT = path.resolve(__dirname, '..', '..');
const policy = loadPolicy(undefined).policy;
const real = mintKey({ prefix: policy.keyPrefix, envTag: 'live' });
const body = mintKey({ prefix: policy.keyPrefix, envTag: 'test' }).slice(0, -7);
const reversed = encodeChecksum(body).split('').reverse().join('');
const badChecksum = `${body}_${reversed === encodeChecksum(body) ? '000000' : reversed}`;
const lookAlikes = [`${policy.keyPrefix}_live_${'a'.repeat(25)}_${encodeChecksum(body)}`, `x${real}`];

let dir: string;
let repo: string;
let scanners: string;
beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'keyops-patterns-'));
  repo = path.join(dir, 'repo');
  scanners = path.join(dir, 'scanners');
  execFileSync('git', ['init', '-q', repo]);
  writeFileSync(path.join(repo, 'config.js'), `module.exports = { apiKey: "${real}" };\n`);
  writeFileSync(path.join(repo, 'NOTES.md'), `typo in the runbook: ${badChecksum}\n`);
  writeFileSync(path.join(repo, 'fixtures.env'), lookAlikes.map((l, i) => `LOOKALIKE_${i}=${l}`).join('\n') + '\n');
  execFileSync('git', ['-C', repo, 'add', '-A']);
  const run = await runKeyopsCli(['patterns', '--out', scanners]);
  expect(run.code).toBe(0);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('secretlint, with the generated rule, finds the real key and nothing else', () => {
  const bin = path.join(ROOT, 'node_modules', '.bin', 'secretlint');
  const result = spawnSync(bin, ['**/*', '--secretlintrc', path.join(scanners, '.secretlintrc.json'), '--format', 'json'], { cwd: repo, encoding: 'utf8' });
  const files = JSON.parse(result.stdout) as Array<{ filePath: string; messages: Array<{ ruleId: string; range: [number, number] }> }>;
  const findings = files.flatMap((f) => f.messages.map((m) => ({ file: path.basename(f.filePath), ruleId: path.basename(m.ruleId) })));
  expect(findings).toEqual([{ file: 'config.js', ruleId: 'secretlint-rule-keyops.mjs' }]);
});

it('detect-secrets, with the generated plugin alone, finds the real key and nothing else', () => {
  const bin = process.env.DETECT_SECRETS_PATH ?? 'detect-secrets';
  const plugins = spawnSync(bin, ['scan', '--list-all-plugins'], { encoding: 'utf8' });
  expect(plugins.status).toBe(0);
  const builtIn = plugins.stdout.split('\n').map((l) => l.trim()).filter(Boolean);
  const args = ['scan', '--all-files', '--plugin', path.join(scanners, 'keyops_detect_secrets.py'), ...builtIn.flatMap((p) => ['--disable-plugin', p])];
  const result = spawnSync(bin, args, { cwd: repo, encoding: 'utf8' });
  expect(result.status).toBe(0);
  const baseline = JSON.parse(result.stdout) as { results: Record<string, Array<{ type: string; line_number: number }>> };
  const findings = Object.entries(baseline.results).flatMap(([file, found]) => found.map((f) => ({ file, type: f.type })));
  expect(findings).toEqual([{ file: 'config.js', type: 'keyops API key' }]);
});

it('gitleaks and GitHub get a regex without look-around (RE2) that matches each key shape once', async () => {
  const pattern = keyPatternFor(policy);
  expect(pattern.full).not.toMatch(/\(\?<?[=!]/);
  const gitleaks = await runKeyopsCli(['patterns', '--format', 'gitleaks']);
  const regex = /regex = '''(.*)'''/.exec(gitleaks.stdout)?.[1] as string;
  expect(regex).toBe(pattern.full);
  const matches = (text: string): string[] => [...text.matchAll(new RegExp(regex, 'gm'))].map((m) => m[1] as string);
  expect(matches(`key: "${real}"\n${lookAlikes.join('\n')}`)).toEqual([real]);
  // A regex cannot check a CRC32: the mistyped key matches too (GitHub then asks keyops, which says false_positive).
  expect(matches(badChecksum)).toEqual([badChecksum]);
  const github = await runKeyopsCli(['patterns', '--format', 'github']);
  expect(github.stdout).toContain(`Secret format:    ${pattern.secret}`);
});
