import { mintKey, parseKey, type ParsedKey } from '../../../domain/keyFormat';
import { maskKey, normalizeMaskedKey } from '../../../domain/keyMask';

function mint(prefix: string, envTag: string): { key: string; parsed: ParsedKey; checksum: string } {
  const key = mintKey({ prefix, envTag });
  const result = parseKey(key);
  if (!result.ok) throw new Error(`minted key ${key} did not parse`);
  return { key, parsed: result.key, checksum: key.slice(-6) };
}

describe('maskKey', () => {
  it('shows prefix, tag, an ellipsis and the last four random characters', () => {
    expect(maskKey({ prefix: 'ko', envTag: 'live', random: 'ABCDEFGHIJKLMNOPQRSTUV3f8a' })).toBe('ko_live_…3f8a');
    expect(maskKey({ prefix: 'keyops', envTag: 'stg', random: '0000000000000000000000wxyz' })).toBe('keyops_stg_…wxyz');
  });

  it('never reveals more than the last four random characters, nor any of the checksum (10,000 keys)', () => {
    const leaks: string[] = [];
    for (let i = 0; i < 10_000; i++) {
      const envTag = i % 2 === 0 ? 'live' : 'test';
      const { key, parsed, checksum } = mint('ko', envTag);
      const masked = maskKey(parsed);
      const visible = parsed.random.slice(-4);
      if (masked !== `ko_${envTag}_…${visible}`) leaks.push(`${key} -> ${masked}`);
      if (masked.includes(key)) leaks.push(`${masked} contains the key`);
      // No window of 5+ random characters: the masked form has no base62 run longer than 4.
      for (let start = 0; start + 5 <= parsed.random.length; start++) {
        if (masked.includes(parsed.random.slice(start, start + 5))) leaks.push(`${masked} contains random[${start}..${start + 5})`);
      }
      // Nothing of the checksum: no 5-character window, and the text after the ellipsis is only
      // the four visible random characters.
      for (let start = 0; start + 5 <= checksum.length; start++) {
        if (masked.includes(checksum.slice(start, start + 5))) leaks.push(`${masked} contains part of checksum ${checksum}`);
      }
      if (masked.split('…')[1] !== visible) leaks.push(`${masked}: tail is not ${visible}`);
      if (/[0-9A-Za-z]{5,}/.test(masked)) leaks.push(`${masked} has a run of 5+ base62 characters`);
    }
    expect(leaks).toEqual([]);
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
