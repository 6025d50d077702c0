import { MASK_VISIBLE, type ParsedKey } from './keyFormat';

/**
 * The display form of a key: prefix, environment tag and the last four characters of the key
 * itself, e.g. `ko_live_…3f8a` for a key that ends in `3f8a`: what the owner sees at the end of
 * the string in their config, as Stripe shows `sk_live_…4242`. The key ends in its checksum, so
 * those four characters are the checksum's tail.
 *
 * Keys masked before this rule show the last four of their random part instead; their stored
 * display form stays as it is, and lookups compare against what is stored.
 */
export function maskKey(key: ParsedKey): string {
  return `${key.prefix}_${key.envTag}_…${key.checksum.slice(-MASK_VISIBLE)}`;
}

const MASKED_RE = /^([a-z][a-z0-9]{1,11})_([a-z0-9]{1,8})_(?:…|\.\.\.)([0-9A-Za-z]{4})$/;

/** Accepts the masked form as keyops prints it, or with "..." typed instead of "…". */
export function normalizeMaskedKey(text: string): string | null {
  const match = MASKED_RE.exec(text.trim());
  if (!match) return null;
  return `${match[1]}_${match[2]}_…${match[3]}`;
}
