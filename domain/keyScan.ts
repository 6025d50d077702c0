/**
 * Finding keys in free text: a chat message, a code block, a link, a file a scanner reports.
 *
 * A candidate is a run with the key's shape for this deployment's prefix, standing alone (no
 * base62 character or underscore on either side, so a longer token is not cut into a "key"),
 * whose CRC32 checksum is right. The checksum is what makes the scan nearly free of false
 * positives and of needless database lookups: a random look-alike passes it once in 2^32.
 *
 * Cost: almost every chat message holds no key, so the scan first looks for "<prefix>_" with
 * String#includes (a memchr-speed search) and runs the regex only when that is found.
 */
import { CHECKSUM_LENGTH, RANDOM_LENGTH, parseKey } from './keyFormat';

/** A message with more would be a dump, not a paste: the first ones are enough to act on. */
export const MAX_CANDIDATES_PER_TEXT = 20;

export interface KeyScanner {
  /** The distinct well-formed keys (right checksum) in `texts`, in order of appearance. */
  findKeys(texts: ReadonlyArray<string | undefined>): string[];
}

export function createKeyScanner(options: { prefix: string }): KeyScanner {
  const needle = `${options.prefix}_`;
  const shape = new RegExp(
    `(?<![0-9A-Za-z_])${options.prefix}_[a-z0-9]{1,8}_[0-9A-Za-z]{${RANDOM_LENGTH}}_[0-9A-Za-z]{${CHECKSUM_LENGTH}}(?![0-9A-Za-z_])`,
    'g',
  );
  return {
    findKeys(texts) {
      const found = new Set<string>();
      for (const text of texts) {
        if (!text || !text.includes(needle)) continue;
        for (const match of text.matchAll(shape)) {
          if (parseKey(match[0]).ok) found.add(match[0]);
          if (found.size >= MAX_CANDIDATES_PER_TEXT) return [...found];
        }
      }
      return [...found];
    },
  };
}
