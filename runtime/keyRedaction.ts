/**
 * The last line of defence for "a key never reaches a log": anything shaped like a keyops key is
 * replaced before a log line is written (runtime/log.ts runs it as pino's streamWrite hook, on the
 * finished line).
 *
 * The pattern is deliberately looser than the key format (domain/keyFormat.ts) so that what comes
 * before or after a key cannot hide it:
 * - no word boundary before the prefix: `leaked_ko_live_…` or `%60ko_live_…` (URL-encoded) glue
 *   the key to other word characters; the match may then start a few letters early, which only
 *   redacts more;
 * - `_` may arrive URL-encoded as `%5F`;
 * - every `_segment` after the random part is taken too, so an earlier look-alike that swallows
 *   the start of a real key (`ab_cd_<20 chars>ko_live_<random>_<checksum>`) still ends past it,
 *   and a truncated key (no checksum) is redacted as well.
 */
const SEP = '(?:_|%5[Ff])';
const KEY_SHAPE_RE = new RegExp(`[a-z][a-z0-9]{1,11}${SEP}[a-z0-9]{1,8}${SEP}[0-9A-Za-z]{20,}(?:${SEP}[0-9A-Za-z]+)*`, 'g');

export const REDACTED_KEY = '[redacted key]';

export function redactKeys(text: string): string {
  return text.replace(KEY_SHAPE_RE, REDACTED_KEY);
}
