import { hkdfSync } from 'node:crypto';

/**
 * One secret (KEY_HASH_SECRET), a separate key for each job, derived with HKDF-SHA256 and a
 * distinct `info`: a key that leaks or is misused in one job (say, a chart link's signature
 * oracle) says nothing about the others, and none of them is the secret itself.
 */
export type KeyPurpose = 'key-hash' | 'response-url-seal' | 'chart-link';

const INFO: Record<KeyPurpose, string> = {
  'key-hash': 'keyops key hashing v2',
  'response-url-seal': 'keyops response_url sealing v2',
  'chart-link': 'keyops chart links v1',
};

const SALT = 'keyops';
const derived = new Map<string, Buffer>();

export function deriveKey(secret: string, purpose: KeyPurpose): Buffer {
  const cacheKey = `${purpose}\0${secret}`;
  let key = derived.get(cacheKey);
  if (!key) {
    key = Buffer.from(hkdfSync('sha256', secret, SALT, INFO[purpose], 32));
    derived.set(cacheKey, key);
  }
  return key;
}
