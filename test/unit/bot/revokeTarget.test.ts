import { parseRevokeTarget } from '../../../bot/forms/revokeTarget';
import { loadPolicy } from '../../../config/policyFile';
import { mintKey } from '../../../domain/keyFormat';
import { keyHashCandidates } from '../../../domain/keyHash';

const { policy } = loadPolicy(undefined);
const SECRET = 'unit-test-hash-secret-0123456789abcdef';
const parse = (...args: string[]) => parseRevokeTarget({ args, policy, keyHashSecret: SECRET });

describe('parseRevokeTarget', () => {
  it('reads a key id', () => {
    expect(parse('key_AbCdEfGh12345678')).toEqual({ ok: true, target: { kind: 'id', keyId: 'key_AbCdEfGh12345678' } });
  });

  it('reads the masked form as printed or typed with "..."', () => {
    expect(parse('ko_live_…3f8a')).toEqual({ ok: true, target: { kind: 'masked', maskedKey: 'ko_live_…3f8a' } });
    expect(parse('ko_live_...3f8a')).toEqual({ ok: true, target: { kind: 'masked', maskedKey: 'ko_live_…3f8a' } });
  });

  it('turns a full key into its hash and keeps nothing else of it', () => {
    const key = mintKey({ prefix: 'ko', envTag: 'live' });
    const result = parse(key);
    expect(result).toEqual({ ok: true, target: { kind: 'secret', keyHashes: keyHashCandidates({ key, secret: SECRET }) } });
    expect(JSON.stringify(result)).not.toContain(key.slice(8, 34));
    // Pasted inside code marks or quotes, as people do.
    expect(parse(`\`${key}\``)).toEqual(result);
    expect(parse(`"${key}"`)).toEqual(result);
  });

  it('refuses a key with a broken checksum without repeating it', () => {
    const key = mintKey({ prefix: 'ko', envTag: 'live' });
    const typo = key.slice(0, 12) + (key[12] === 'x' ? 'y' : 'x') + key.slice(13);
    const result = parse(typo);
    expect(result).toMatchObject({ ok: false, message: expect.stringContaining('checksum') });
    expect(JSON.stringify(result)).not.toContain(typo.slice(8, 34));
  });

  it('reads a person as Slack sends a mention, with or without the name', () => {
    expect(parse('<@U0123ABC|jane.doe>')).toEqual({ ok: true, target: { kind: 'user', userId: 'U0123ABC' } });
    expect(parse('<@W0123ABC>')).toEqual({ ok: true, target: { kind: 'user', userId: 'W0123ABC' } });
    expect(parse('<@U0123ABC|Jane', 'Doe>')).toEqual({ ok: true, target: { kind: 'user', userId: 'U0123ABC' } });
    expect(parse('@jane.doe')).toMatchObject({ ok: false, message: expect.stringContaining('list') });
  });

  it('reads an environment of the policy, and names the real ones otherwise', () => {
    expect(parse('env:production')).toEqual({ ok: true, target: { kind: 'environment', environment: 'production' } });
    expect(parse('ENV:Staging')).toEqual({ ok: true, target: { kind: 'environment', environment: 'staging' } });
    expect(parse('env:prod')).toMatchObject({ ok: false, message: expect.stringContaining('`production`') });
  });

  it('asks for exactly one target, and explains the forms otherwise', () => {
    expect(parse()).toMatchObject({ ok: false, message: expect.stringContaining('Which key?') });
    expect(parse('key_AbCdEfGh12345678', 'key_AbCdEfGh87654321')).toMatchObject({ ok: false, message: expect.stringContaining('One at a time') });
    const junk = parse('hunter2');
    expect(junk).toMatchObject({ ok: false, message: expect.stringContaining('env:production') });
    expect(JSON.stringify(junk)).not.toContain('hunter2');
  });
});
