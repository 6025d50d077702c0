import { MASK_VISIBLE, type ParsedKey } from './keyFormat';

/**
 * The display form of a key: prefix, environment tag and the last four characters of the random
 * part, e.g. `ko_live_…3f8a`. The checksum is left out on purpose: it is derived from the secret
 * and would add nothing a reader needs.
 */
export function maskKey(key: ParsedKey): string {
  return `${key.prefix}_${key.envTag}_…${key.random.slice(-MASK_VISIBLE)}`;
}

const MASKED_RE = /^([a-z][a-z0-9]{1,11})_([a-z0-9]{1,8})_(?:…|\.\.\.)([0-9A-Za-z]{4})$/;

/** Accepts the masked form as keyops prints it, or with "..." typed instead of "…". */
export function normalizeMaskedKey(text: string): string | null {
  const match = MASKED_RE.exec(text.trim());
  if (!match) return null;
  return `${match[1]}_${match[2]}_…${match[3]}`;
}
