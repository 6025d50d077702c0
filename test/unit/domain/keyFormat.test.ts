import {
  BASE62,
  CHECKSUM_LENGTH,
  MASK_VISIBLE,
  MAX_KEY_LENGTH,
  RANDOM_LENGTH,
  looksLikeKey,
  mintKey,
  parseKey,
} from '../../../domain/keyFormat';

const KEY_SHAPE = /^([a-z][a-z0-9]{1,11})_([a-z0-9]{1,8})_([0-9A-Za-z]{26})_([0-9A-Za-z]{6})$/;

/** Key kinds used below, including the longest prefix and tag the format allows. */
const KINDS = [
  { prefix: 'ko', envTag: 'test' },
  { prefix: 'ko', envTag: 'live' },
  { prefix: 'keyops', envTag: 'stg' },
  { prefix: 'abcdefghijk1', envTag: 'abcdefg8' },
  { prefix: 'ab', envTag: '0' },
];

function mustParse(key: string): { prefix: string; envTag: string; random: string } {
  const result = parseKey(key);
  if (!result.ok) throw new Error(`expected ${key} to parse, got ${result.reason}`);
  return result.key;
}

describe('mintKey / parseKey round trip', () => {
  it.each(KINDS)('mints $prefix/$envTag keys of the documented shape that parse back', ({ prefix, envTag }) => {
    for (let i = 0; i < 50; i++) {
      const key = mintKey({ prefix, envTag });
      const match = KEY_SHAPE.exec(key);
      expect(match).not.toBeNull();
      expect(match?.[1]).toBe(prefix);
      expect(match?.[2]).toBe(envTag);
      expect(match?.[3]).toHaveLength(RANDOM_LENGTH);
      expect(match?.[4]).toHaveLength(CHECKSUM_LENGTH);
      expect(looksLikeKey(key)).toBe(true);
      expect(parseKey(key)).toEqual({ ok: true, key: { prefix, envTag, random: match?.[3], checksum: match?.[4] } });
    }
  });

  it('the longest prefix and tag give a key of exactly MAX_KEY_LENGTH that still parses', () => {
    const key = mintKey({ prefix: 'abcdefghijk1', envTag: 'abcdefg8' });
    expect(key).toHaveLength(MAX_KEY_LENGTH);
    expect(parseKey(key).ok).toBe(true);
  });

  it('uses constants that match the documented format', () => {
    expect(BASE62).toHaveLength(62);
    expect(new Set(BASE62).size).toBe(62);
    expect(BASE62).toMatch(/^[0-9A-Za-z]+$/);
    expect(RANDOM_LENGTH).toBe(26);
    expect(CHECKSUM_LENGTH).toBe(6);
    expect(MASK_VISIBLE).toBe(4);
  });
});

describe('parseKey rejects every single-character mistake', () => {
  const REPLACEMENTS = [...BASE62, '_', '-'];
  const keys = KINDS.flatMap((kind) => [mintKey(kind), mintKey(kind)]);

  it.each(keys)('every one-character substitution of %s is rejected', (key) => {
    const parsed = mustParse(key);
    const randomStart = parsed.prefix.length + 1 + parsed.envTag.length + 1;
    const checksumStart = randomStart + RANDOM_LENGTH + 1;
    const failures: string[] = [];
    let checked = 0;
    for (let i = 0; i < key.length; i++) {
      const inRandomOrChecksum = (i >= randomStart && i < randomStart + RANDOM_LENGTH) || i >= checksumStart;
      for (const c of REPLACEMENTS) {
        if (c === key[i]) continue;
        const mutated = key.slice(0, i) + c + key.slice(i + 1);
        checked++;
        const result = parseKey(mutated);
        if (result.ok) {
          failures.push(`${mutated} (pos ${i} -> ${c}) parsed as ok`);
          continue;
        }
        // Whenever the shape still holds, only the checksum can catch the change.
        if (looksLikeKey(mutated) && result.reason !== 'CHECKSUM') failures.push(`${mutated}: ${result.reason}, expected CHECKSUM`);
        if (inRandomOrChecksum && BASE62.includes(c)) {
          if (!looksLikeKey(mutated)) failures.push(`${mutated}: shape should still hold`);
          if (result.reason !== 'CHECKSUM') failures.push(`${mutated}: ${result.reason}, expected CHECKSUM`);
        }
        if (!BASE62.includes(c) && c !== '_' && result.reason !== 'SHAPE') failures.push(`${mutated}: expected SHAPE`);
      }
    }
    expect(failures).toEqual([]);
    expect(checked).toBe(key.length * (REPLACEMENTS.length - 1));
  });

  it.each(keys)('deleting any single character of %s is rejected', (key) => {
    const accepted: string[] = [];
    for (let i = 0; i < key.length; i++) {
      const mutated = key.slice(0, i) + key.slice(i + 1);
      if (parseKey(mutated).ok) accepted.push(mutated);
    }
    expect(accepted).toEqual([]);
  });

  it.each(keys)('swapping any two adjacent distinct characters of %s is rejected', (key) => {
    const failures: string[] = [];
    let swaps = 0;
    for (let i = 0; i + 1 < key.length; i++) {
      if (key[i] === key[i + 1]) continue;
      const mutated = key.slice(0, i) + key[i + 1] + key[i] + key.slice(i + 2);
      swaps++;
      const result = parseKey(mutated);
      if (result.ok) failures.push(`${mutated} parsed as ok`);
      else if (looksLikeKey(mutated) && result.reason !== 'CHECKSUM') failures.push(`${mutated}: ${result.reason}`);
    }
    expect(failures).toEqual([]);
    expect(swaps).toBeGreaterThan(20);
  });

  it.each(keys)('every truncation of %s is rejected', (key) => {
    for (let end = 0; end < key.length; end++) expect(parseKey(key.slice(0, end)).ok).toBe(false);
  });
});

describe('uniqueness and randomness', () => {
  it('100,000 minted keys are distinct, and so are their random parts', () => {
    const keys = new Set<string>();
    const randoms = new Set<string>();
    for (let i = 0; i < 100_000; i++) {
      const key = mintKey({ prefix: 'ko', envTag: 'test' });
      keys.add(key);
      // ko_test_ is 8 characters: the random part follows it.
      randoms.add(key.slice(8, 8 + RANDOM_LENGTH));
    }
    expect(keys.size).toBe(100_000);
    expect(randoms.size).toBe(100_000);
  });

  it('every base62 character appears in the random part with a sane frequency, at every position', () => {
    const KEYS = 20_000;
    const total = new Map<string, number>();
    const perPosition = Array.from({ length: RANDOM_LENGTH }, () => new Map<string, number>());
    for (let i = 0; i < KEYS; i++) {
      // ko_test_ is 8 characters: the random part follows it.
      const random = mintKey({ prefix: 'ko', envTag: 'test' }).slice(8, 8 + RANDOM_LENGTH);
      for (let p = 0; p < random.length; p++) {
        const c = random[p] as string;
        total.set(c, (total.get(c) ?? 0) + 1);
        const counts = perPosition[p] as Map<string, number>;
        counts.set(c, (counts.get(c) ?? 0) + 1);
      }
    }
    // Exactly the 62 base62 characters, nothing else.
    expect([...total.keys()].sort()).toEqual([...BASE62].sort());
    // Expected ≈ 8387 per character (σ ≈ 91): ±8 % is ~7σ, while a modulo-biased or short
    // alphabet is off by ≥ 25 %.
    const expected = (KEYS * RANDOM_LENGTH) / 62;
    for (const [c, count] of total) {
      if (count < expected * 0.92 || count > expected * 1.08) throw new Error(`"${c}" appeared ${count} times, expected ≈ ${Math.round(expected)}`);
    }
    // No position is stuck or heavily skewed (≈ 323 per cell, σ ≈ 18).
    const perCell = KEYS / 62;
    perPosition.forEach((counts, p) => {
      expect(counts.size).toBe(62);
      for (const [c, count] of counts) {
        if (count < perCell * 0.6 || count > perCell * 1.4) throw new Error(`"${c}" at position ${p} appeared ${count} times, expected ≈ ${Math.round(perCell)}`);
      }
    });
  });

  it('the random part carries at least 128 bits, even after the masked form reveals four characters', () => {
    const bits = RANDOM_LENGTH * Math.log2(BASE62.length);
    expect(bits).toBeGreaterThanOrEqual(128);
    expect(bits).toBeCloseTo(154.8, 1);
    // The four shown are the checksum's tail, a function of the random part: at most 4 × log2(62) bits.
    expect(bits - MASK_VISIBLE * Math.log2(BASE62.length)).toBeGreaterThanOrEqual(128);
    const { random } = mustParse(mintKey({ prefix: 'ko', envTag: 'test' }));
    expect(random).toMatch(/^[0-9A-Za-z]{26}$/);
  });
});

describe('bad input', () => {
  it.each(['', 'k', 'Ko', 'KO', '1ko', '_ko', 'ko_x', 'ko-x', ' ko', 'ko ', 'abcdefghijklm', 'kö', 'k.o'])(
    'mintKey refuses the prefix %j',
    (prefix) => {
      expect(() => mintKey({ prefix, envTag: 'test' })).toThrow(/invalid key prefix/);
    },
  );

  it.each(['', 'LIVE', 'Live', 'live_1', 'li-ve', 'li ve', 'abcdefghi', 'tést', ' live'])('mintKey refuses the tag %j', (envTag) => {
    expect(() => mintKey({ prefix: 'ko', envTag })).toThrow(/invalid environment tag/);
  });

  const valid = mintKey({ prefix: 'ko', envTag: 'live' });
  const cases: Array<[string, string]> = [
    ['empty string', ''],
    ['whitespace only', '   '],
    ['leading space', ` ${valid}`],
    ['trailing space', `${valid} `],
    ['trailing newline', `${valid}\n`],
    ['leading newline', `\n${valid}`],
    ['tab padded', `\t${valid}\t`],
    ['quoted', `"${valid}"`],
    ['oversize (1 MB)', 'a'.repeat(1_000_000)],
    ['oversize valid-looking', `ko_live_${'A'.repeat(100_000)}_${'0'.repeat(6)}`],
    ['one over the maximum', `${valid}${'A'.repeat(MAX_KEY_LENGTH)}`],
    ['unicode letter', valid.replace(/.$/, 'é')],
    ['cyrillic o in prefix', valid.replace('ko', 'kо')],
    ['fullwidth digit', valid.replace(/.$/, '１')],
    ['emoji', `ko_live_${'🔑'.repeat(26)}_000000`],
    ['zero-width space', `${valid.slice(0, 10)}\u200b${valid.slice(10)}`],
    ['masked form', 'ko_live_…abcd'],
    ['two keys pasted together', `${valid}${valid}`],
    ['upper-cased key', valid.toUpperCase()],
  ];
  it.each(cases)('parseKey reports %s as malformed without throwing', (_label, candidate) => {
    let result: ReturnType<typeof parseKey> | undefined;
    expect(() => {
      result = parseKey(candidate);
    }).not.toThrow();
    expect(result).toEqual({ ok: false, reason: 'SHAPE' });
    expect(looksLikeKey(candidate)).toBe(false);
  });

  it('parsing oversize input is fast (length is checked before any regex work)', () => {
    const huge = `ko_live_${'A'.repeat(5_000_000)}`;
    const started = Date.now();
    for (let i = 0; i < 100; i++) parseKey(huge);
    // A regex run over 5 MB a hundred times takes minutes; the length check, microseconds. The
    // bound only has to tell those apart, so a busy CI machine cannot make it fail.
    expect(Date.now() - started).toBeLessThan(20_000);
  });
});
