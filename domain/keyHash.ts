import { deriveKey } from './derivedKeys';
import { keyedHmacSha256, type KeyedHmac } from './hmacSha256';

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

/** Per secret, made once: its id (with the `$`), and its two keyed HMACs (hashKey's, the legacy form's). */
interface SecretHashers {
  prefix: string;
  current: KeyedHmac;
  legacy: KeyedHmac;
}

const hashers = new Map<string, SecretHashers>();

function hashersFor(secret: string): SecretHashers {
  let found = hashers.get(secret);
  if (!found) {
    const current = keyedHmacSha256(deriveKey(secret, 'key-hash'));
    found = { prefix: `k${current('keyops key hash id').slice(0, 8)}$`, current, legacy: keyedHmacSha256(secret) };
    hashers.set(secret, found);
  }
  return found;
}

/** The id a stored hash names for this secret. It reveals nothing about the secret. */
export function keyHashId(secret: string): string {
  return hashersFor(secret).prefix.slice(0, -1);
}

/** The stored form of a new key: under the current secret, named by its id. */
export function hashKey(options: { key: string; secret: string }): string {
  const h = hashersFor(options.secret);
  return h.prefix + h.current(options.key);
}

/**
 * Every form this key can be stored in, most likely first: under the current secret, then the
 * legacy form, then under each previous secret. Look the first up alone (a live key is found in
 * one probe); the rest together, in one query, only when it misses.
 */
export function keyHashCandidates(options: { key: string } & KeyHashSecrets): string[] {
  return [hashKey(options), ...fallbackKeyHashes(options)];
}

/**
 * keyHashCandidates without its first (hashKey's): what verify computes only when the current
 * form was not found, so a live key costs one HMAC, not two per configured secret.
 */
export function fallbackKeyHashes(options: { key: string } & KeyHashSecrets): string[] {
  const out = [hashersFor(options.secret).legacy(options.key)];
  for (const secret of options.previous ?? []) {
    const h = hashersFor(secret);
    out.push(h.prefix + h.current(options.key), h.legacy(options.key));
  }
  return out;
}
