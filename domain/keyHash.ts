import { createHmac } from 'node:crypto';

/**
 * HMAC-SHA256 of the full key under the server-side secret (KEY_HASH_SECRET), hex encoded.
 * Keys carry ≥128 bits of randomness, so a fast keyed hash is enough: no salt or slow KDF is
 * needed, and lookups stay one index probe. The secret keeps a stolen table from being checked
 * against candidate keys offline.
 */
export function hashKey(options: { key: string; secret: string }): string {
  return createHmac('sha256', options.secret).update(options.key, 'utf8').digest('hex');
}
