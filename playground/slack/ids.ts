/**
 * Identifier generators that look like Slack's.
 *
 * Realistic formats matter because keyops may parse or pattern-match them
 * (e.g. `ts` as "seconds.micro" strings, DM channels starting with `D`), and
 * a fake that hands out `"1"` would hide bugs that real ids expose.
 */
import { randomBytes } from 'node:crypto';

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

export function randomAlnum(length: number): string {
  const bytes = randomBytes(length);
  let out = '';
  for (const byte of bytes) out += ALNUM[byte % ALNUM.length];
  return out;
}

export function randomHex(length: number): string {
  return randomBytes(Math.ceil(length / 2)).toString('hex').slice(0, length);
}

/**
 * Issues strictly increasing message timestamps ("1700000000.000100").
 * Slack guarantees uniqueness per channel; the fake makes them globally unique,
 * which is stricter and still valid.
 */
export class TsFactory {
  private lastMicros = 0;

  next(nowMs: number): string {
    const micros = Math.max(Math.floor(nowMs * 1000), this.lastMicros + 1);
    this.lastMicros = micros;
    const seconds = Math.floor(micros / 1_000_000);
    const fraction = String(micros % 1_000_000).padStart(6, '0');
    return `${seconds}.${fraction}`;
  }
}

/** Trigger ids look like "13345224609.738474920.8088930838d88f008e0" in real payloads. */
export function triggerId(nowMs: number): string {
  return `${Math.floor(nowMs / 1000)}.${Math.floor(Math.random() * 1e9)}.${randomHex(32)}`;
}

export const viewId = (): string => `V${randomAlnum(10)}`;
export const viewHash = (nowMs: number): string => `${Math.floor(nowMs / 1000)}.${randomAlnum(8)}`;

/** Deterministic DM id per user so repeated `conversations.open` calls agree, as Slack's do. */
export const dmChannelFor = (userId: string): string => `D${userId.replace(/^[UW]/, '')}`;

export const isUserId = (id: string): boolean => /^[UW][A-Z0-9]+$/.test(id);
export const isChannelId = (id: string): boolean => /^[CDG][A-Z0-9]+$/.test(id);
