import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ConfigError } from '../../../config/env';
import { loadPolicy, parsePolicy } from '../../../config/policyFile';
import { defaultEnvironment, findEnvironment, findEnvironmentByTag, requestNeedsApproval } from '../../../domain/policy';

const EXAMPLE = path.resolve(__dirname, '..', '..', '..', 'policy.example.yaml');
const exampleText = readFileSync(EXAMPLE, 'utf8');
const FILE = '/etc/keyops/policy.yaml';

/** 1-based line of the `nth` (0-based) line of `text` that starts (after indent) with `start`. */
function lineOf(text: string, start: string, nth = 0): number {
  const lines = text.split('\n');
  let seen = 0;
  for (let i = 0; i < lines.length; i++) {
    if ((lines[i] as string).trimStart().startsWith(start)) {
      if (seen === nth) return i + 1;
      seen++;
    }
  }
  throw new Error(`no line starting with ${start}`);
}

/** Replaces the `nth` line starting with `start` by `replacement` (indent kept). */
function replaceLine(text: string, start: string, replacement: string, nth = 0): string {
  const lines = text.split('\n');
  const index = lineOf(text, start, nth) - 1;
  const line = lines[index] as string;
  lines[index] = line.slice(0, line.length - line.trimStart().length) + replacement;
  return lines.join('\n');
}

function policyError(text: string, file = FILE): string {
  try {
    parsePolicy({ text, file });
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('expected the policy to be rejected');
}

describe('the shipped policy.example.yaml', () => {
  const policy = parsePolicy({ text: exampleText, file: EXAMPLE });

  it('parses, with normalised values', () => {
    expect(policy.keyPrefix).toBe('ko');
    expect(policy.reveal.window).toBe(86_400);
    expect(policy.scopes.map((s) => s.name)).toEqual(['read', 'write', 'billing:read']);
    expect(policy.scopes.find((s) => s.name === 'read')?.sensitive).toBe(false);
    expect(policy.scopes.find((s) => s.name === 'billing:read')?.sensitive).toBe(true);
    expect(policy.defaultScopes).toEqual(['read']);
    expect(policy.approval.timeout).toBe(72 * 3600);
    expect(policy.approval.reminderEvery).toBe(4 * 3600);
    expect(policy.approval.required).toBe(1);
    expect(policy.approval.channel).toBeNull();
    expect(policy.rotation.graceOptions).toEqual([3600, 86_400, 604_800]);
    expect(policy.rotation.defaultGrace).toBe(86_400);
    expect(policy.notices.expiry).toEqual([14 * 86_400, 3 * 86_400, 86_400]);
    expect(policy.rateLimits.production).toEqual({ perSecond: 200, burst: 400, monthlyQuota: 50_000_000 });
  });

  it('has test as the default environment and production (tag live) behind approval', () => {
    expect(defaultEnvironment(policy).name).toBe('test');
    const production = findEnvironmentByTag(policy, 'live');
    expect(production?.name).toBe('production');
    expect(production?.approval).toBe('required');
    expect(production?.lifetimes).toEqual([30, 90, 180, 365].map((d) => d * 86_400));
    expect(production?.defaultLifetime).toBe(90 * 86_400);
    const test = findEnvironment(policy, 'test');
    expect(test).toMatchObject({ tag: 'test', default: true, approval: 'none', defaultLifetime: 30 * 86_400 });
    expect(test?.lifetimes).toEqual([7, 30, 90].map((d) => d * 86_400));
    expect(findEnvironment(policy, 'staging')).toMatchObject({ tag: 'stg', default: false, approval: 'none' });
    expect(findEnvironment(policy, 'nope')).toBeUndefined();
  });

  it('requestNeedsApproval: production always, sensitive scopes anywhere, plain read in test never', () => {
    expect(requestNeedsApproval(policy, { environment: 'production', scopes: ['read'] })).toBe(true);
    expect(requestNeedsApproval(policy, { environment: 'production', scopes: [] })).toBe(true);
    expect(requestNeedsApproval(policy, { environment: 'test', scopes: ['billing:read'] })).toBe(true);
    expect(requestNeedsApproval(policy, { environment: 'test', scopes: ['read', 'billing:read'] })).toBe(true);
    expect(requestNeedsApproval(policy, { environment: 'test', scopes: ['read'] })).toBe(false);
    expect(requestNeedsApproval(policy, { environment: 'staging', scopes: ['read', 'write'] })).toBe(false);
  });

  it('is what loadPolicy uses when no file is given', () => {
    const loaded = loadPolicy(undefined);
    expect(loaded.file).toBe(EXAMPLE);
    expect(loaded.policy).toEqual(policy);
  });
});

describe('a bad policy file names the file, the line, the field and the reason', () => {
  it('a bad duration in the test environment points at its own line', () => {
    const text = replaceLine(exampleText, 'defaultLifetime: 30d', 'defaultLifetime: 30x');
    const line = lineOf(text, 'defaultLifetime: 30x');
    const message = policyError(text);
    expect(message).toContain(`${FILE}:${line}: environments.0.defaultLifetime:`);
    expect(message).toContain('"30x" is not a duration');
  });

  it('a bad field in the third environment points at its line', () => {
    const text = replaceLine(exampleText, 'approval: required', 'approval: maybe');
    const message = policyError(text);
    expect(message).toContain(`${FILE}:${lineOf(text, 'approval: maybe')}: environments.2.approval:`);
  });

  it('a bad top-level value points at its line', () => {
    const text = replaceLine(exampleText, 'keyPrefix: ko', 'keyPrefix: KO');
    expect(policyError(text)).toContain(`${FILE}:${lineOf(text, 'keyPrefix: KO')}: keyPrefix: use 2-12 lower-case letters`);
  });

  it('a missing field points at its parent', () => {
    const text = exampleText.replace(/^ {2}reminderEvery: 4h\n/m, '');
    expect(text).not.toBe(exampleText);
    // The top-level `approval:` key, or the first line of its block.
    const approvalLine = text.split('\n').indexOf('approval:') + 1;
    expect(approvalLine).toBeGreaterThan(0);
    const match = /policy\.yaml:(\d+): approval\.reminderEvery: /.exec(policyError(text));
    expect(match).not.toBeNull();
    expect([approvalLine, approvalLine + 1]).toContain(Number(match?.[1]));
  });

  it('a defaultLifetime outside lifetimes is reported on the field', () => {
    const text = replaceLine(exampleText, 'defaultLifetime: 30d', 'defaultLifetime: 60d');
    expect(policyError(text)).toContain(`${FILE}:${lineOf(text, 'defaultLifetime: 60d')}: environments.0.defaultLifetime: defaultLifetime must be one of lifetimes`);
  });

  it('reports the real path of a file read by loadPolicy', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'keyops-policy-'));
    try {
      const file = path.join(dir, 'my-policy.yaml');
      const text = replaceLine(exampleText, 'defaultLifetime: 30d', 'defaultLifetime: 30x');
      writeFileSync(file, text);
      expect(() => loadPolicy(file)).toThrow(`${file}:${lineOf(text, 'defaultLifetime: 30x')}: environments.0.defaultLifetime`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a missing file is a ConfigError naming it', () => {
    const file = path.join(os.tmpdir(), 'keyops-no-such-policy-file.yaml');
    expect(() => loadPolicy(file)).toThrow(ConfigError);
    expect(() => loadPolicy(file)).toThrow(`cannot read policy file ${file}`);
  });

  it('invalid YAML reports the line', () => {
    const text = replaceLine(exampleText, 'escalateAfter: 24h', 'escalateAfter: "24h');
    const message = policyError(text);
    expect(message).toMatch(/not valid YAML/);
    expect(message).toContain(`${FILE}:${lineOf(text, 'escalateAfter:')}:`);
  });

  it('a duplicate key is invalid YAML, reported on the duplicate', () => {
    const text = exampleText.replace(/^keyPrefix: ko.*$/m, (line) => `${line}\nkeyPrefix: xx`);
    expect(policyError(text)).toContain(`${FILE}:${lineOf(text, 'keyPrefix: xx')}: Map keys must be unique`);
  });

  it('an unknown top-level key is rejected, on its own line', () => {
    const text = `${exampleText}\nbogus: 1\n`;
    const message = policyError(text);
    expect(message).toContain('Unrecognized key: "bogus"');
    expect(message).toContain(`${FILE}:${lineOf(text, 'bogus:')}:`);
  });

  it('an unknown key inside an environment is rejected, on its own line', () => {
    const text = exampleText.replace('    tag: stg\n', '    tag: stg\n    colour: red\n');
    const message = policyError(text);
    expect(message).toContain(`${FILE}:${lineOf(text, 'colour: red')}: environments.1: Unrecognized key: "colour"`);
  });

  it('defaultScopes with an unknown scope is rejected', () => {
    const text = replaceLine(exampleText, 'defaultScopes:', 'defaultScopes: [read, admin]');
    expect(policyError(text)).toContain(`${FILE}:${lineOf(text, 'defaultScopes:')}: defaultScopes.1: unknown scope "admin"`);
  });

  it('two default environments are rejected', () => {
    const text = exampleText.replace('    tag: stg\n', '    tag: stg\n    default: true\n');
    expect(policyError(text)).toMatch(/environments: only one environment can be the default/);
  });

  it('duplicate environment tags are rejected', () => {
    const text = replaceLine(exampleText, 'tag: stg', 'tag: test');
    expect(policyError(text)).toMatch(/environments\.1: environment names and tags must be unique/);
  });

  it('rate limits for an unknown environment are rejected', () => {
    const text = exampleText.replace(/^ {2}staging: {4}/m, '  stage:      ');
    expect(text).not.toBe(exampleText);
    expect(policyError(text)).toContain('rateLimits.stage: unknown environment "stage"');
  });

  it('keeps usage 7 days per minute, 90 per hour and 400 per day unless told otherwise, coarser never shorter', () => {
    expect(parsePolicy({ text: exampleText, file: EXAMPLE }).usage.retention).toEqual({ minutes: 7 * 86_400, hours: 90 * 86_400, days: 400 * 86_400 });
    const withoutSection = exampleText.replace(/^usage:\n(?: {2}.*\n)+/m, '');
    expect(withoutSection).not.toContain('retention:');
    expect(parsePolicy({ text: withoutSection, file: FILE }).usage.retention).toEqual({ minutes: 7 * 86_400, hours: 90 * 86_400, days: 400 * 86_400 });
    expect(policyError(replaceLine(exampleText, 'hours: 90d', 'hours: 3d'))).toContain('usage.retention: keep coarser resolutions at least as long as finer ones');
  });

  it('a defaultGrace outside graceOptions is rejected', () => {
    const text = replaceLine(exampleText, 'defaultGrace: 24h', 'defaultGrace: 2h');
    expect(policyError(text)).toContain(`${FILE}:${lineOf(text, 'defaultGrace: 2h')}: rotation.defaultGrace: defaultGrace must be one of graceOptions`);
  });

  it('an approval section nobody could act on is rejected, on the field at fault', () => {
    const noApprovers = replaceLine(exampleText, 'approvers: [S0PLATFORM]', 'approvers: []');
    expect(policyError(noApprovers)).toContain(`${FILE}:${lineOf(noApprovers, 'approvers: []')}: approval.approvers: some keys need approval`);
    const noSecurity = replaceLine(exampleText, 'sensitiveApprovers:', 'sensitiveApprovers: []');
    expect(policyError(noSecurity)).toContain(`${FILE}:${lineOf(noSecurity, 'sensitiveApprovers:')}: approval.sensitiveApprovers: sensitive scopes (billing:read) must also be approved`);
  });

  it('a manager of themselves and an escalation after the timeout are rejected', () => {
    const selfManaged = replaceLine(exampleText, 'managers: {}', 'managers: { U0ANA: U0ANA }');
    expect(policyError(selfManaged)).toContain('approval.managers.U0ANA: nobody approves their own requests');
    const late = replaceLine(exampleText, 'escalateAfter: 24h', 'escalateAfter: 72h');
    expect(policyError(late)).toContain(`${FILE}:${lineOf(late, 'escalateAfter: 72h')}: approval.escalateAfter: must be shorter than timeout`);
    // Without an escalation group there is nothing to be late for.
    expect(() => parsePolicy({ text: replaceLine(late, 'escalateTo:', 'escalateTo: []'), file: FILE })).not.toThrow();
  });

  it('an empty file is rejected naming the file', () => {
    expect(policyError('')).toContain(`${FILE}: (top level):`);
  });
});
