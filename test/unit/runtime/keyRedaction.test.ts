/**
 * Keys never reach a log, whatever surrounds them: property tests over keys minted by the real
 * mintKey, embedded in random text, JSON, URL encoding and quotes, through the real logger.
 */
import fc from 'fast-check';
import { mintKey } from '../../../domain/keyFormat';
import { REDACTED_KEY, redactKeys } from '../../../runtime/keyRedaction';
import { createLogger } from '../../../runtime/log';

const prefix = fc.stringMatching(/^[a-z][a-z0-9]{1,11}$/);
const envTag = fc.stringMatching(/^[a-z0-9]{1,8}$/);
const key = fc.tuple(prefix, envTag).map(([p, e]) => mintKey({ prefix: p, envTag: e }));
/** The secret: the random part (a key minus its prefix, tag and checksum). */
const secretOf = (k: string): string => k.split('_')[2] as string;
const text = fc.string({ unit: fc.constantFrom(...'abz_09AZ-%.:/"\'`\\ \n{}[]=&?é'.split('')), maxLength: 40 });
const anyText = fc.oneof(text, fc.string({ maxLength: 40 }), fc.string({ unit: 'binary', maxLength: 20 }));

/** What a log line may carry a key in. */
const wrappers: Record<string, (k: string) => string> = {
  plain: (k) => k,
  jsonString: (k) => JSON.stringify(k),
  jsonObject: (k) => JSON.stringify({ headers: { authorization: `Bearer ${k}` } }),
  urlQuery: (k) => `https://api.example.com/v1?key=${encodeURIComponent(k)}`,
  urlEncodedAll: (k) => k.replace(/_/g, '%5F'),
  urlEncodedTwice: (k) => encodeURIComponent(`\`${k}\``),
  backticks: (k) => `\`${k}\``,
  singleQuotes: (k) => `'${k}'`,
  slackEscaped: (k) => `<${k}>`,
};

describe('redactKeys', () => {
  it('catches a key glued to word characters or URL-encoded (issue 11 item 8)', () => {
    const k = mintKey({ prefix: 'ko', envTag: 'live' });
    for (const line of [`leaked_${k}`, `%60${k}%60`, `x${k}y`, `${k}_and_more`, `key=${k.replace(/_/g, '%5F')}`]) {
      expect(redactKeys(line)).not.toContain(secretOf(k));
      expect(redactKeys(line)).toContain(REDACTED_KEY);
    }
  });

  it('leaves ordinary text, key ids and masked keys alone', () => {
    const line = 'key key_4fTq9ZaB3xYc0dEe revoked: ko_live_…3f8a by U0ADMIN, workflow key-request-123_abc';
    expect(redactKeys(line)).toBe(line);
  });

  it.each(Object.entries(wrappers))('never lets a key through %s, between any text', (_name, wrap) => {
    fc.assert(
      fc.property(anyText, key, anyText, (before, k, after) => {
        const out = redactKeys(before + wrap(k) + after);
        expect(out).not.toContain(secretOf(k));
      }),
      { numRuns: 300 },
    );
  });

  it('catches every key of a line holding several, and a look-alike glued in front', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(key, anyText), { minLength: 1, maxLength: 4 }), (parts) => {
        const line = `ab_cd_${'x'.repeat(20)}` + parts.map(([k, t]) => k + t).join('');
        const out = redactKeys(line);
        for (const [k] of parts) expect(out).not.toContain(secretOf(k));
      }),
      { numRuns: 200 },
    );
  });

  it('is applied by the logger to every field, nested or not', () => {
    fc.assert(
      fc.property(key, anyText, (k, t) => {
        const lines: string[] = [];
        const log = createLogger({ name: 'test', sink: (l) => lines.push(l) });
        log.info(`pasted ${t}${k}`, { nested: { deeper: [t + k] }, url: `https://x/?k=%60${k}`, error: new Error(`bad key ${k}`) });
        log.child({ name: 'child', fields: { carried: `leaked_${k}` } }).warn('child line');
        expect(lines).toHaveLength(2);
        for (const line of lines) expect(line).not.toContain(secretOf(k));
      }),
      { numRuns: 100 },
    );
  });
});
