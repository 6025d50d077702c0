/**
 * The usage message's chart: a PNG of a key's requests per day over 30 days and per UTC month over
 * 12 months against its monthly quota (api/usageChartSpec.ts), served by the API at
 * `GET /v1/usage/chart/<key id>.png?exp=<unix s>&sig=<hex>`. Slack fetches images without our
 * bearer token, so the URL itself is the credential: an HMAC over the key id and the expiry, under
 * a secret derived from KEY_HASH_SECRET (which the bot, who signs, and the API, who checks, share).
 * It shows counts only, never the key, and expires after CHART_URL_SECONDS.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { deriveKey } from '../domain/derivedKeys';
import type { Db } from '../db/client';
import { KEY_ID_RE } from '../domain/ids';
import { rateLimitFor, type Policy } from '../domain/policy';
import { readKeyUsage } from '../db/keyUsage';
import type { ChartRenderer, RenderedChart } from './chartRenderer';
import { CHART_CANVAS, buildUsageChartSpec } from './usageChartSpec';

export const CHART_URL_SECONDS = 15 * 60;
export const CHART_PATH_RE = /^\/v1\/usage\/chart\/(key_[0-9A-Za-z]{16})\.png$/;

function signature(options: { keyId: string; exp: number; secret: string }): string {
  return createHmac('sha256', deriveKey(options.secret, 'chart-link')).update(`${options.keyId}.${options.exp}`).digest('hex');
}

export function signChartUrl(options: { publicUrl: string; keyId: string; now: Date; secret: string }): string {
  const exp = Math.floor(options.now.getTime() / 1000) + CHART_URL_SECONDS;
  const url = new URL(`v1/usage/chart/${options.keyId}.png`, options.publicUrl.endsWith('/') ? options.publicUrl : `${options.publicUrl}/`);
  url.searchParams.set('exp', String(exp));
  url.searchParams.set('sig', signature({ keyId: options.keyId, exp, secret: options.secret }));
  return url.toString();
}

export function checkChartUrl(options: { keyId: string; exp: string | null; sig: string | null; now: Date; secret: string }): boolean {
  if (!KEY_ID_RE.test(options.keyId) || !options.exp || !options.sig || !/^\d{1,12}$/.test(options.exp) || !/^[0-9a-f]{64}$/.test(options.sig)) return false;
  const exp = Number(options.exp);
  if (exp * 1000 < options.now.getTime()) return false;
  return timingSafeEqual(Buffer.from(options.sig, 'hex'), Buffer.from(signature({ keyId: options.keyId, exp, secret: options.secret }), 'hex'));
}

/** Null when the key does not exist (deleted since the link was signed). */
export async function renderUsageChart(options: { db: Db; renderer: ChartRenderer; policy: Policy; keyId: string; now: Date }): Promise<RenderedChart | null> {
  const { db, keyId, now } = options;
  const key = await db.apiKey.findUnique({ where: { id: keyId }, select: { environment: true } });
  if (!key) return null;
  const report = await readKeyUsage({ db, keyId, now });
  const monthlyQuota = rateLimitFor(options.policy, key.environment)?.monthlyQuota ?? null;
  return options.renderer.render({ spec: buildUsageChartSpec({ report, now, monthlyQuota }), canvas: CHART_CANVAS });
}
