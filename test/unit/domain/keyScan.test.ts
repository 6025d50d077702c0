import { encodeChecksum, mintKey } from '../../../domain/keyFormat';
import { MAX_CANDIDATES_PER_TEXT, createKeyScanner } from '../../../domain/keyScan';

const scanner = createKeyScanner({ prefix: 'ko' });
const key = (envTag = 'live'): string => mintKey({ prefix: 'ko', envTag });
/** The same key with its checksum's characters reversed: same shape, wrong CRC32. */
const withBadChecksum = (k: string): string => {
  const body = k.slice(0, -7);
  const bad = encodeChecksum(body).split('').reverse().join('');
  return `${body}_${bad === encodeChecksum(body) ? '000000' : bad}`;
};

describe('createKeyScanner', () => {
  it('finds keys in prose, code blocks, inline code, links, quotes and JSON', () => {
    const keys = [key(), key('test'), key('stg'), key(), key(), key()];
    const text = [
      `why does ${keys[0]} fail?`,
      '```\nexport KEYOPS_KEY=' + keys[1] + '\n```',
      `\`${keys[2]}\``,
      `<https://api.example.com/v1/ping?api_key=${keys[3]}&x=1|ping>`,
      `> "${keys[4]}"`,
      `{"key":"${keys[5]}"}`,
    ].join('\n');
    expect(scanner.findKeys([text])).toEqual(keys);
  });

  it('keeps only keys whose checksum is right, of this prefix, standing alone', () => {
    const good = key();
    const other = mintKey({ prefix: 'sk', envTag: 'live' });
    const texts = [withBadChecksum(good), other, `x${good}`, `${good}x`, `${good}_`, `_${good}`, `ko${good}`, good.slice(0, -1), good.toUpperCase()];
    expect(scanner.findKeys(texts)).toEqual([]);
    expect(scanner.findKeys([...texts, `(${good}).`])).toEqual([good]);
  });

  it('reports a key once however often it appears, and caps what one message can ask for', () => {
    const one = key();
    expect(scanner.findKeys([`${one} ${one}`, one])).toEqual([one]);
    const many = Array.from({ length: MAX_CANDIDATES_PER_TEXT + 5 }, () => key());
    expect(scanner.findKeys([many.join('\n')])).toEqual(many.slice(0, MAX_CANDIDATES_PER_TEXT));
  });

  it('ignores missing texts and texts without the prefix', () => {
    expect(scanner.findKeys([undefined, '', 'hello ko', 'no keys here'])).toEqual([]);
  });
});
