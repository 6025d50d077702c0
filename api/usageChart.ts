/**
 * The usage message's chart: a PNG of a key's requests per day over 30 days, served by the API at
 * `GET /v1/usage/chart/<key id>.png?exp=<unix s>&sig=<hex>`. Slack fetches images without our
 * bearer token, so the URL itself is the credential: an HMAC over the key id and the expiry, under
 * a secret derived from KEY_HASH_SECRET (which the bot, who signs, and the API, who checks, share).
 * It shows counts only, never the key, and expires after CHART_URL_SECONDS.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { deriveKey } from '../domain/derivedKeys';
import type { Db } from '../db/client';
import { renderBarChartPng } from '../domain/barChartPng';
import { KEY_ID_RE } from '../domain/ids';
import { readKeyUsage } from '../db/keyUsage';

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

export async function renderUsageChart(options: { db: Db; keyId: string; now: Date }): Promise<Buffer> {
  const report = await readKeyUsage(options);
  return renderBarChartPng({ values: report.last30d.series });
}
