import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { deriveKey } from './derivedKeys';

/**
 * A Slack response_url sealed (AES-256-GCM) for the trip through Temporal. A response_url lets
 * whoever holds it post into someone's conversation for 30 minutes, and the display expiry needs
 * it in workflow history: sealed, the history holds ciphertext, and only keyops processes (which
 * know KEY_HASH_SECRET) can use it.
 *
 * The seal is bound (as GCM associated data) to what it was made for: a reveal click to its
 * workflow and clicker, a reply to its clicker. Someone who can write to the Temporal namespace
 * can copy a seal, but not make keyops open it in another workflow or as someone else, and cannot
 * make one: a plain URL is refused (see openUrl).
 *
 * Layout: `sealed:v2:` + base64url(iv[12] ‖ tag[16] ‖ ciphertext).
 */
export type SealedUrl = string & { readonly __sealed: 'response_url' };

/** What a seal is bound to. */
export type SealContext = { purpose: 'reveal'; workflowId: string; clickerId: string } | { purpose: 'reply'; clickerId: string };

const PREFIX = 'sealed:v2:';
/** Seals made before they were bound (no associated data, a key of their own). */
const LEGACY_PREFIX = 'sealed:v1:';
const IV_BYTES = 12;
const TAG_BYTES = 16;

/** Runs started before sealing carried Slack's URL as is; only Slack's own host is ever accepted. */
const LEGACY_PLAIN_RE = /^https:\/\/hooks\.slack\.com\/\S+$/;

const legacyKeys = new Map<string, Buffer>();
function legacyKeyFor(secret: string): Buffer {
  let key = legacyKeys.get(secret);
  if (!key) {
    key = Buffer.from(hkdfSync('sha256', secret, 'keyops', 'response_url sealing v1', 32));
    legacyKeys.set(secret, key);
  }
  return key;
}

function associatedData(context: SealContext): Buffer {
  return Buffer.from(context.purpose === 'reveal' ? `reveal\n${context.workflowId}\n${context.clickerId}` : `reply\n${context.clickerId}`, 'utf8');
}

/**
 * A reveal's sealed target may name, instead of a response_url, the modal the bot opened at the
 * click (`slack-view:<view id>`): for a click in a message that would keep the key (a DM, App Home).
 */
const VIEW_TARGET = 'slack-view:';

export function viewTarget(viewId: string): string {
  return `${VIEW_TARGET}${viewId}`;
}

/** The view id a target names, or null when it is a response_url. */
export function viewIdOf(target: string): string | null {
  return target.startsWith(VIEW_TARGET) ? target.slice(VIEW_TARGET.length) : null;
}

export function isSealed(value: string): boolean {
  return value.startsWith(PREFIX);
}

export function sealUrl(url: string, secret: string, context: SealContext): SealedUrl {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', deriveKey(secret, 'response-url-seal'), iv);
  cipher.setAAD(associatedData(context));
  const sealed = Buffer.concat([cipher.update(url, 'utf8'), cipher.final()]);
  return `${PREFIX}${Buffer.concat([iv, cipher.getAuthTag(), sealed]).toString('base64url')}` as SealedUrl;
}

function decrypt(body: string, key: Buffer, aad: Buffer | null): string {
  const raw = Buffer.from(body, 'base64url');
  if (raw.length <= IV_BYTES + TAG_BYTES) throw new Error('sealed response_url is truncated');
  const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, IV_BYTES));
  if (aad) decipher.setAAD(aad);
  decipher.setAuthTag(raw.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
  return Buffer.concat([decipher.update(raw.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString('utf8');
}

/**
 * The URL inside. Throws when the seal was tampered with, made under another secret, or made for
 * another workflow or clicker. `legacy` (only a workflow run from before bound seals says so, under
 * its patch) also lets through that run's unbound seal or plain `https://hooks.slack.com/` URL.
 */
export function openUrl(sealed: string, secret: string, context: SealContext, options: { legacy?: boolean } = {}): string {
  if (sealed.startsWith(PREFIX)) return decrypt(sealed.slice(PREFIX.length), deriveKey(secret, 'response-url-seal'), associatedData(context));
  if (!options.legacy) throw new Error('not a sealed response_url');
  if (sealed.startsWith(LEGACY_PREFIX)) return decrypt(sealed.slice(LEGACY_PREFIX.length), legacyKeyFor(secret), null);
  if (LEGACY_PLAIN_RE.test(sealed)) return sealed;
  throw new Error('not a sealed response_url, nor a Slack one');
}
