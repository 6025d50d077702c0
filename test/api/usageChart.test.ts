/**
 * The usage chart as Slack fetches it: a signed link → a real PNG (decoded by pngjs) of a fixed
 * size with its labels drawn, from an SVG with UTC dates on both axes and the quota as a rule.
 */
import { PNG } from 'pngjs';
import { createChartRenderer, type ChartRenderer } from '../../api/chartRenderer';
import { renderUsageChart, signChartUrl } from '../../api/usageChart';
import { CHART_CANVAS } from '../../api/usageChartSpec';
import { loadPolicy } from '../../config/policyFile';
import { createLogger } from '../../runtime/log';
import { startApiServer, type ApiServer } from '../support/apiServer';
import { mintStoredKey } from '../support/seedKeys';

const SECRET = 'test-hash-secret-that-is-long-enough-000';
const { policy } = loadPolicy(undefined);
const log = createLogger({ name: 'test', sink: () => undefined });
const DAY = 86_400_000;
const NOW = new Date('2026-11-29T10:30:00Z');

let api: ApiServer;
let renderer: ChartRenderer;
beforeAll(async () => {
  api = await startApiServer({ policy, keyHashSecret: SECRET, verifyApiToken: 'verify-token-0123456789', log, usageRoutes: true });
  renderer = createChartRenderer({ log });
});
afterAll(async () => {
  await renderer?.close();
  await api?.stop();
});

let seq = 0;
async function storeKey(environment: string): Promise<string> {
  const { keyHash, maskedKey } = mintStoredKey({ policy, keyHashSecret: SECRET, environment });
  const id = `key_${String(++seq).padStart(16, '0')}`;
  await api.db.apiKey.create({ data: { id, ownerId: 'U0OWNER', name: `k${seq}`, environment, scopes: ['read'], status: 'ACTIVE', keyHash, maskedKey, expiresAt: new Date(Date.now() + DAY) } });
  return id;
}

/** Pixels dark enough to be text (labels are #333; bars, the rule and the grid are lighter or coloured). */
function textPixels(png: PNG, rows: { from: number; to: number }): number {
  let count = 0;
  for (let y = rows.from; y < rows.to; y++) {
    for (let x = 0; x < png.width; x++) {
      const i = (y * png.width + x) * 4;
      if ((png.data[i] ?? 255) < 110 && (png.data[i + 1] ?? 255) < 110 && (png.data[i + 2] ?? 255) < 110) count++;
    }
  }
  return count;
}

describe('GET /v1/usage/chart/<key id>.png', () => {
  it('serves a real PNG of a fixed size, with its labels drawn, at a signed URL, and refuses a tampered or foreign one', async () => {
    const id = await storeKey('test');
    const other = await storeKey('test');
    const today = new Date(Date.now() - (Date.now() % DAY));
    await api.db.keyUsageDay.createMany({ data: [{ keyId: id, day: today, requests: 40 }, { keyId: id, day: new Date(today.getTime() - 40 * DAY), requests: 900 }] });
    const url = new URL(signChartUrl({ publicUrl: api.baseUrl, keyId: id, now: new Date(), secret: SECRET }));
    const res = await fetch(url);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/png');
    const png = PNG.sync.read(Buffer.from(await res.arrayBuffer()));
    expect({ width: png.width, height: png.height }).toEqual(CHART_CANVAS);
    // Titles at the top and the month labels at the bottom are drawn with the bundled font.
    expect(textPixels(png, { from: 0, to: 30 })).toBeGreaterThan(200);
    expect(textPixels(png, { from: png.height - 50, to: png.height })).toBeGreaterThan(200);

    const foreign = new URL(url.toString().replace(id, other));
    expect((await fetch(foreign)).status).toBe(403);
    url.searchParams.set('exp', String(Number(url.searchParams.get('exp')) + 60));
    expect((await fetch(url)).status).toBe(403);
    const gone = new URL(signChartUrl({ publicUrl: api.baseUrl, keyId: 'key_0000000000009999', now: new Date(), secret: SECRET }));
    expect((await fetch(gone)).status).toBe(404);
  });
});

describe('the usage chart', () => {
  it('dates both axes in UTC and draws the monthly quota as a dashed rule', async () => {
    const id = await storeKey('test');
    await api.db.keyUsageDay.createMany({
      data: [
        { keyId: id, day: new Date('2026-11-29T00:00:00Z'), requests: 40 },
        { keyId: id, day: new Date('2026-11-01T00:00:00Z'), requests: 60 },
        { keyId: id, day: new Date('2026-10-31T00:00:00Z'), requests: 120_000 },
      ],
    });
    const chart = await renderUsageChart({ db: api.db, renderer, policy, keyId: id, now: NOW });
    const svg = chart?.svg ?? '';
    const labels = [...svg.matchAll(/<text[^>]*opacity="1"[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]);
    expect(labels).toEqual(expect.arrayContaining(['Requests per day, last 30 days (UTC)', 'Requests per month, last 12 months (UTC calendar months)']));
    // The day axis ends on today (UTC) and the month axis names every month, December 2025 to November 2026.
    expect(labels).toEqual(expect.arrayContaining(['Nov 01', 'Nov 29']));
    expect(labels).toEqual(expect.arrayContaining(["Dec '25", "Jan '26", 'Feb', 'Oct', 'Nov']));
    expect(labels).toContain('dashed line: the monthly quota, 100,000 requests');
    expect(svg).toMatch(/<line [^>]*stroke="#d1352e"[^>]*stroke-dasharray="6,4"/);
    expect(PNG.sync.read(chart?.png as Buffer)).toMatchObject(CHART_CANVAS);

    const production = await storeKey('production');
    const noQuota = await renderUsageChart({ db: api.db, renderer, policy: { ...policy, rateLimits: {} }, keyId: production, now: NOW });
    expect(noQuota?.svg).toContain('no monthly quota for this environment');
    expect(noQuota?.svg).not.toContain('#d1352e');
  });
});
