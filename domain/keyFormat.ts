/**
 * API key format.
 *
 *   <prefix>_<env>_<random>_<checksum>        e.g. ko_live_4fT…Zq9_0aB3xY
 *
 * - prefix    per deployment (policy `keyPrefix`), [a-z][a-z0-9]{1,11}: lets secret scanners
 *             attribute a leaked key to this company.
 * - env       the environment's tag (policy), [a-z0-9]{1,8}.
 * - random    26 characters of base62 from nanoid: 26 × log2(62) ≈ 154.8 bits.
 * - checksum  CRC32 of "<prefix>_<env>_<random>" in base62, left-padded to 6 characters
 *             (62^6 > 2^32). CRC32 catches every single-character change, so typos and
 *             truncated pastes are rejected without touching the database.
 *
 * The masked form shows the last 4 characters of the whole key (the checksum's tail), as the owner
 * sees the end of the key in their config. Those 4 characters are a function of the random part
 * worth at most 4 × log2(62) ≈ 23.8 bits, leaving ≈ 131 bits secret (over the 128-bit floor).
 *
 * Parsing never does I/O and never throws for bad input: a malformed key is a value.
 */
import { crc32 } from 'node:zlib';
import { customAlphabet } from 'nanoid';

export const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
export const RANDOM_LENGTH = 26;
export const CHECKSUM_LENGTH = 6;
export const MASK_VISIBLE = 4;

const PREFIX_RE = /^[a-z][a-z0-9]{1,11}$/;
const TAG_RE = /^[a-z0-9]{1,8}$/;
const KEY_RE = new RegExp(
  `^([a-z][a-z0-9]{1,11})_([a-z0-9]{1,8})_([0-9A-Za-z]{${RANDOM_LENGTH}})_([0-9A-Za-z]{${CHECKSUM_LENGTH}})$`,
);
/** Longest possible key: anything longer is malformed before any regex work. */
export const MAX_KEY_LENGTH = 12 + 1 + 8 + 1 + RANDOM_LENGTH + 1 + CHECKSUM_LENGTH;

const randomPart = customAlphabet(BASE62, RANDOM_LENGTH);

export interface ParsedKey {
  prefix: string;
  envTag: string;
  random: string;
  checksum: string;
}

export type ParseKeyResult = { ok: true; key: ParsedKey } | { ok: false; reason: 'SHAPE' | 'CHECKSUM' };

export function encodeChecksum(body: string): string {
  let value = crc32(body);
  let out = '';
  for (let i = 0; i < CHECKSUM_LENGTH; i++) {
    out = BASE62[value % 62] + out;
    value = Math.floor(value / 62);
  }
  return out;
}

export function assertKeyParts(options: { prefix: string; envTag: string }): void {
  if (!PREFIX_RE.test(options.prefix)) throw new Error(`invalid key prefix "${options.prefix}": use [a-z][a-z0-9]{1,11}`);
  if (!TAG_RE.test(options.envTag)) throw new Error(`invalid environment tag "${options.envTag}": use [a-z0-9]{1,8}`);
}

/** Mints a new key. The result is the only copy of the secret: hash it, show it once, drop it. */
export function mintKey(options: { prefix: string; envTag: string }): string {
  assertKeyParts(options);
  const body = `${options.prefix}_${options.envTag}_${randomPart()}`;
  return `${body}_${encodeChecksum(body)}`;
}

export function parseKey(candidate: string): ParseKeyResult {
  if (candidate.length > MAX_KEY_LENGTH) return { ok: false, reason: 'SHAPE' };
  const match = KEY_RE.exec(candidate);
  if (!match) return { ok: false, reason: 'SHAPE' };
  const [, prefix, envTag, random, checksum] = match as unknown as [string, string, string, string, string];
  const body = candidate.slice(0, candidate.length - CHECKSUM_LENGTH - 1);
  if (encodeChecksum(body) !== checksum) return { ok: false, reason: 'CHECKSUM' };
  return { ok: true, key: { prefix, envTag, random, checksum } };
}

/** True when the text has the shape of a key of any prefix (used to spot pasted keys). */
export function looksLikeKey(candidate: string): boolean {
  return candidate.length <= MAX_KEY_LENGTH && KEY_RE.test(candidate);
}
