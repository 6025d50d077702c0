import { z } from 'zod';

/** Durations everywhere (policy, commands, env) are written `30s`, `10m`, `24h` or `7d`. */
const DURATION_RE = /^(\d{1,6})([smhd])$/;
const UNIT_SECONDS = { s: 1, m: 60, h: 3600, d: 86400 } as const;

export function parseDuration(text: string): number | null {
  const match = DURATION_RE.exec(text.trim());
  if (!match) return null;
  const amount = Number(match[1]);
  const seconds = amount * UNIT_SECONDS[match[2] as keyof typeof UNIT_SECONDS];
  return seconds > 0 ? seconds : null;
}

/** The largest whole unit that divides the duration: 86400 → "1d", 5400 → "90m". */
export function formatDuration(seconds: number): string {
  for (const [unit, size] of [['d', 86400], ['h', 3600], ['m', 60]] as const) {
    if (seconds % size === 0) return `${seconds / size}${unit}`;
  }
  return `${seconds}s`;
}

/** A zod schema for a duration string that yields seconds. */
export const durationSchema = z.string().transform((text, ctx) => {
  const seconds = parseDuration(text);
  if (seconds === null) {
    ctx.addIssue({ code: 'custom', message: `"${text}" is not a duration like 30s, 10m, 24h or 7d` });
    return z.NEVER;
  }
  return seconds;
});
