import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import { keyedHmacSha256 } from '../../../domain/hmacSha256';

const reference = (key: string | Buffer, message: string): string => createHmac('sha256', key).update(message, 'utf8').digest('hex');

describe('keyedHmacSha256', () => {
  it('answers what createHmac answers, for any key (short, block-sized, longer than a block) and any message', () => {
    fc.assert(
      fc.property(fc.oneof(fc.uint8Array({ maxLength: 200 }).map((a) => Buffer.from(a)), fc.string({ unit: 'grapheme', maxLength: 100 })), fc.array(fc.string({ unit: 'grapheme', maxLength: 60 }), { maxLength: 5 }), (key, messages) => {
        const hmac = keyedHmacSha256(key);
        // The same hasher, several messages in turn: nothing of one message may leak into the next.
        for (const message of messages) expect(hmac(message)).toBe(reference(key, message));
      }),
      { numRuns: 300 },
    );
  });

  it('answers what createHmac answers at the buffer boundary and past it (the long-message path)', () => {
    const hmac = keyedHmacSha256(Buffer.alloc(32, 7));
    for (const length of [0, 1, 63, 64, 65, 1023, 1024, 1025, 5000]) {
      expect(hmac('a'.repeat(length))).toBe(reference(Buffer.alloc(32, 7), 'a'.repeat(length)));
      // Multi-byte characters: a string shorter than the buffer whose bytes are not.
      expect(hmac('é'.repeat(length))).toBe(reference(Buffer.alloc(32, 7), 'é'.repeat(length)));
      expect(hmac('😀'.repeat(length))).toBe(reference(Buffer.alloc(32, 7), '😀'.repeat(length)));
    }
  });
});
