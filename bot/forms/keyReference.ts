/**
 * `<key>` in a command: a key id, its masked form (also typed with "...") or the full key. The
 * full key is only ever hashed here; messages never repeat what was typed, which may be a secret.
 */
import type { Db } from '../../db/client';
import { KEY_ID_RE } from '../../domain/ids';
import { parseKey } from '../../domain/keyFormat';
import { keyHashCandidates } from '../../domain/keyHash';
import { normalizeMaskedKey } from '../../domain/keyMask';
import { COMMAND } from '../ids';

export type KeyReference = { kind: 'id'; keyId: string } | { kind: 'masked'; maskedKey: string } | { kind: 'secret'; keyHashes: string[] };

/** Pasted keys often come wrapped in code marks or quotes. */
const WRAPPING_RE = /^[`'"“”‘’]+|[`'"“”‘’]+$/g;

export function parseKeyReference(options: { text: string; keyHashSecret: string; previousKeyHashSecrets?: readonly string[]; subcommand: string }): { ok: true; ref: KeyReference } | { ok: false; message: string } {
  const text = options.text.trim().replace(WRAPPING_RE, '');
  const usage = `Give one key: \`${COMMAND} ${options.subcommand} key_…\` (its id, as \`${COMMAND} list\` shows), its masked form or the full key.`;
  if (text.length === 0 || /\s/.test(text)) return { ok: false, message: usage };
  if (KEY_ID_RE.test(text)) return { ok: true, ref: { kind: 'id', keyId: text } };
  const masked = normalizeMaskedKey(text);
  if (masked) return { ok: true, ref: { kind: 'masked', maskedKey: masked } };
  const key = parseKey(text);
  if (key.ok) return { ok: true, ref: { kind: 'secret', keyHashes: keyHashCandidates({ key: text, secret: options.keyHashSecret, previous: options.previousKeyHashSecrets ?? [] }) } };
  if (key.reason === 'CHECKSUM') return { ok: false, message: 'That looks like a key, but its checksum does not match: a character was changed or lost in the copy. Paste it again, or give its id.' };
  return { ok: false, message: `keyops cannot read that as a key. ${usage}` };
}

/**
 * The key a reference names, among the keys `ownerId` may act on (null: any owner, for admins).
 * A masked form can match several keys: then the caller must give the id.
 */
export async function findReferencedKey(db: Db, options: { ref: KeyReference; ownerId: string | null }): Promise<{ ok: true; keyId: string } | { ok: false; message: string }> {
  const owner = options.ownerId ? { ownerId: options.ownerId } : {};
  const where =
    options.ref.kind === 'id' ? { id: options.ref.keyId, ...owner } : options.ref.kind === 'masked' ? { maskedKey: options.ref.maskedKey, ...owner } : { keyHash: { in: options.ref.keyHashes }, ...owner };
  const found = await db.apiKey.findMany({ where, select: { id: true }, take: 2, orderBy: [{ status: 'asc' }, { createdAt: 'desc' }] });
  if (found.length === 0) return { ok: false, message: `No key of yours matches that. \`${COMMAND} list\` shows your keys and their ids.` };
  if (found.length > 1) return { ok: false, message: `Several keys have that masked form; give the key id instead (\`${COMMAND} list\` shows it).` };
  return { ok: true, keyId: (found[0] as { id: string }).id };
}
