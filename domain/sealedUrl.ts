import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

/**
 * A Slack response_url sealed (AES-256-GCM) for the trip through Temporal. A response_url lets
 * whoever holds it post into someone's conversation for 30 minutes, and the display expiry needs
 * it in workflow history: sealed, the history holds ciphertext, and only keyops processes (which
 * know KEY_HASH_SECRET) can use it. The key is derived from that secret with HKDF, so it is never
 * the hashing key itself.
 */
export type SealedUrl = string & { readonly __sealed: 'response_url' };

const PREFIX = 'sealed:v1:';
const IV_BYTES = 12;
const TAG_BYTES = 16;
const keys = new Map<string, Buffer>();

function keyFor(secret: string): Buffer {
  let key = keys.get(secret);
  if (!key) {
    key = Buffer.from(hkdfSync('sha256', secret, 'keyops', 'response_url sealing v1', 32));
    keys.set(secret, key);
  }
  return key;
}

export function sealUrl(url: string, secret: string): SealedUrl {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', keyFor(secret), iv);
  const sealed = Buffer.concat([cipher.update(url, 'utf8'), cipher.final()]);
  return `${PREFIX}${Buffer.concat([iv, cipher.getAuthTag(), sealed]).toString('base64url')}` as SealedUrl;
}

/**
 * The URL inside. Throws when the seal was tampered with or made under another secret. Workflows
 * started before sealing carry plain https URLs; those pass through, and nothing else does.
 */
export function openUrl(sealed: string, secret: string): string {
  if (!sealed.startsWith(PREFIX)) {
    if (/^https:\/\/\S+$/.test(sealed)) return sealed;
    throw new Error('not a sealed response_url');
  }
  const raw = Buffer.from(sealed.slice(PREFIX.length), 'base64url');
  if (raw.length <= IV_BYTES + TAG_BYTES) throw new Error('sealed response_url is truncated');
  const decipher = createDecipheriv('aes-256-gcm', keyFor(secret), raw.subarray(0, IV_BYTES));
  decipher.setAuthTag(raw.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
  return Buffer.concat([decipher.update(raw.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString('utf8');
}
