import { createHmac, hash } from 'node:crypto';

/**
 * HMAC-SHA256 under a fixed key, for the verify hot path: H((K ⊕ opad) ‖ H((K ⊕ ipad) ‖ m))
 * (RFC 2104) with the padded key blocks made once per key and two one-shot `crypto.hash` calls
 * per message. `createHmac` per message builds an Hmac object and sets its key up each time,
 * which under load cost more than the hashing itself. The answer is createHmac's, bit for bit
 * (test/unit/domain/hmacSha256.test.ts checks that for arbitrary keys and messages).
 */
const BLOCK = 64;
const DIGEST = 32;
/** Messages up to this many bytes go through the preallocated buffer; longer ones through createHmac. */
const MAX_FAST_MESSAGE = 1024;

export type KeyedHmac = (message: string) => string;

export function keyedHmacSha256(key: string | Buffer): KeyedHmac {
  const keyBytes = typeof key === 'string' ? Buffer.from(key, 'utf8') : key;
  // RFC 2104: a key longer than the block is hashed first; a shorter one is zero-padded.
  const block = Buffer.alloc(BLOCK);
  (keyBytes.length > BLOCK ? hash('sha256', keyBytes, 'buffer') : keyBytes).copy(block);
  // (K ⊕ ipad) then room for the message; (K ⊕ opad) then room for the inner digest.
  const inner = Buffer.alloc(BLOCK + MAX_FAST_MESSAGE);
  const outer = Buffer.alloc(BLOCK + DIGEST);
  for (let i = 0; i < BLOCK; i++) {
    inner[i] = (block[i] as number) ^ 0x36;
    outer[i] = (block[i] as number) ^ 0x5c;
  }
  return (message) => {
    // write() stops at the buffer's end: a message that may not fit is measured first.
    if (message.length * 3 > MAX_FAST_MESSAGE && Buffer.byteLength(message, 'utf8') > MAX_FAST_MESSAGE) {
      return createHmac('sha256', keyBytes).update(message, 'utf8').digest('hex');
    }
    const length = inner.write(message, BLOCK, 'utf8');
    hash('sha256', inner.subarray(0, BLOCK + length), 'buffer').copy(outer, BLOCK);
    return hash('sha256', outer, 'hex');
  };
}
