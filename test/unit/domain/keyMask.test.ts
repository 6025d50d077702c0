import { mintKey, parseKey, type ParsedKey } from '../../../domain/keyFormat';
import { maskKey, normalizeMaskedKey } from '../../../domain/keyMask';

function mint(prefix: string, envTag: string): { key: string; parsed: ParsedKey } {
  const key = mintKey({ prefix, envTag });
  const result = parseKey(key);
  if (!result.ok) throw new Error(`minted key ${key} did not parse`);
  return { key, parsed: result.key };
}

describe('maskKey', () => {
  it('shows prefix, tag, an ellipsis and the last four characters of the key itself', () => {
    const key = 'ko_live_ABCDEFGHIJKLMNOPQRSTUVWXYZ_0a3f8a';
    expect(maskKey({ prefix: 'ko', envTag: 'live', random: 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', checksum: '0a3f8a' })).toBe('ko_live_…3f8a');
    expect(key.endsWith('3f8a')).toBe(true);
  });

  it('ends in what the owner sees at the end of the key, and reveals nothing more (10,000 keys)', () => {
    const wrong: string[] = [];
    for (let i = 0; i < 10_000; i++) {
      const envTag = i % 2 === 0 ? 'live' : 'test';
      const { key, parsed } = mint('ko', envTag);
      const masked = maskKey(parsed);
      if (masked !== `ko_${envTag}_…${key.slice(-4)}`) wrong.push(`${key} -> ${masked}`);
      // No run of 5+ key characters: the masked form shows four, and only at the end.
      for (let start = 8; start + 5 <= key.length; start++) {
        if (masked.includes(key.slice(start, start + 5))) wrong.push(`${masked} contains key[${start}..${start + 5})`);
      }
      if (/[0-9A-Za-z]{5,}/.test(masked)) wrong.push(`${masked} has a run of 5+ base62 characters`);
    }
    expect(wrong).toEqual([]);
  });

  it('masked forms round-trip through normalizeMaskedKey', () => {
    for (const [prefix, tag] of [['ko', 'live'], ['abcdefghijk1', 'abcdefg8'], ['ab', '0']] as const) {
      const { parsed } = mint(prefix, tag);
      const masked = maskKey(parsed);
      expect(normalizeMaskedKey(masked)).toBe(masked);
      expect(normalizeMaskedKey(masked.replace('…', '...'))).toBe(masked);
    }
  });
});

describe('normalizeMaskedKey', () => {
  it.each([
    ['ko_live_…3f8a', 'ko_live_…3f8a'],
    ['ko_live_...3f8a', 'ko_live_…3f8a'],
    ['  ko_live_...3f8a\n', 'ko_live_…3f8a'],
    ['\tko_test_…ZZ09 ', 'ko_test_…ZZ09'],
    ['keyops_stg_...abcd', 'keyops_stg_…abcd'],
  ])('accepts %j as %j', (input, expected) => {
    expect(normalizeMaskedKey(input)).toBe(expected);
  });

  it.each([
    '',
    'ko_live_3f8a',
    'ko_live_..3f8a',
    'ko_live_....3f8a',
    'ko_live_. . .3f8a',
    'ko_live_…3f8',
    'ko_live_…3f8ab',
    'ko_live_…3f8-',
    'ko_live…3f8a',
    'ko_live_…_3f8a',
    'KO_live_…3f8a',
    'ko_LIVE_…3f8a',
    'k_live_…3f8a',
    'ko__…3f8a',
    'ko_live_*3f8a',
    'ko_live_…3f8a…',
    'ko_live_…3f8a extra',
    'see ko_live_…3f8a',
    'ko_live_AbCdEfGhIjKlMnOpQrStUvWxYz_0aB3xY',
  ])('rejects %j', (input) => {
    expect(normalizeMaskedKey(input)).toBeNull();
  });
});
