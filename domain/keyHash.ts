import { createHmac } from 'node:crypto';
import { deriveKey } from './derivedKeys';

/**
 * The stored form of a key: an HMAC-SHA256 of the full key under a key derived (HKDF, "key
 * hashing") from the server-side secret KEY_HASH_SECRET, named by the id of that secret:
 *
 *   `<key id>$<64 hex>`, key id = `k` + 8 hex of an HMAC of a fixed label under the derived key.
 *
 * Keys carry ≥128 bits of randomness, so a fast keyed hash is enough: no salt or slow KDF, and a
 * lookup stays one index probe. The secret keeps a stolen table from being checked against
 * candidate keys offline. The id lets KEY_HASH_SECRET be rotated: new keys are hashed under the
 * current secret, and a key hashed under an older one (KEY_HASH_SECRET_PREVIOUS) still verifies;
 * `SELECT ... WHERE key_hash LIKE '<id>$%'` counts the keys an old secret still guards.
 *
 * Hashes stored before ids existed are the bare hex HMAC under the secret itself (the legacy
 * form); they stay verifiable under whichever configured secret made them.
 */
export interface KeyHashSecrets {
  /** KEY_HASH_SECRET: new keys are hashed under it. */
  secret: string;
  /** KEY_HASH_SECRET_PREVIOUS: older secrets whose keys still verify. */
  previous?: readonly string[];
}

const ids = new Map<string, string>();

/** The id a stored hash names for this secret. It reveals nothing about the secret. */
export function keyHashId(secret: string): string {
  let id = ids.get(secret);
  if (!id) {
    id = `k${createHmac('sha256', deriveKey(secret, 'key-hash')).update('keyops key hash id').digest('hex').slice(0, 8)}`;
    ids.set(secret, id);
  }
  return id;
}

/** The stored form of a new key: under the current secret, named by its id. */
export function hashKey(options: { key: string; secret: string }): string {
  const hex = createHmac('sha256', deriveKey(options.secret, 'key-hash')).update(options.key, 'utf8').digest('hex');
  return `${keyHashId(options.secret)}$${hex}`;
}

/** The form stored before hashes carried an id. Only ever looked up, never written. */
function legacyHashKey(options: { key: string; secret: string }): string {
  return createHmac('sha256', options.secret).update(options.key, 'utf8').digest('hex');
}

/**
 * Every form this key can be stored in, most likely first: under the current secret, then the
 * legacy form, then under each previous secret. Look the first up alone (a live key is found in
 * one probe); the rest together, in one query, only when it misses.
 */
export function keyHashCandidates(options: { key: string } & KeyHashSecrets): string[] {
  const secrets = [options.secret, ...(options.previous ?? [])];
  return secrets.flatMap((secret) => [hashKey({ key: options.key, secret }), legacyHashKey({ key: options.key, secret })]);
}
