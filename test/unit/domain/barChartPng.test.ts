import { inflateSync } from 'node:zlib';
import { CHART_URL_SECONDS, checkChartUrl, signChartUrl } from '../../../api/usageChart';
import { barChartPixels, renderBarChartPng } from '../../../domain/barChartPng';

/** Reads back what renderBarChartPng wrote: size and palette indexes per row. */
function decode(png: Buffer): { width: number; height: number; rows: number[][] } {
  expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  let offset = 8;
  let width = 0;
  let height = 0;
  const idat: Buffer[] = [];
  while (offset < png.length) {
    const length = png.readUInt32BE(offset);
    const type = png.toString('ascii', offset + 4, offset + 8);
    const data = png.subarray(offset + 8, offset + 8 + length);
    if (type === 'IHDR') [width, height] = [data.readUInt32BE(0), data.readUInt32BE(4)];
    if (type === 'IDAT') idat.push(data);
    offset += 12 + length;
  }
  const raw = inflateSync(Buffer.concat(idat));
  const rows = Array.from({ length: height }, (_, y) => [...raw.subarray(y * (width + 1) + 1, (y + 1) * (width + 1))]);
  return { width, height, rows };
}

describe('bar chart PNG', () => {
  it('draws one bar per value, scaled to the largest, on a baseline', () => {
    const png = renderBarChartPng({ values: [0, 5, 10], barWidth: 2, height: 11 });
    const { width, height, rows } = decode(png);
    expect([width, height]).toEqual([10, 11]);
    expect(rows).toEqual(barChartPixels({ values: [0, 5, 10], barWidth: 2, height: 11 }).map((r) => [...r]));
    const barHeight = (x: number): number => rows.slice(0, -1).filter((row) => row[x] === 1).length;
    expect([barHeight(1), barHeight(4), barHeight(7)]).toEqual([0, 5, 10]);
    expect(rows[10]).toEqual(Array(10).fill(2));
  });
});

describe('chart URLs', () => {
  const secret = 's'.repeat(32);
  const now = new Date('2026-11-29T10:00:00Z');
  const keyId = 'key_0000000000000001';
  const parts = (url: string) => {
    const u = new URL(url);
    return { path: u.pathname, exp: u.searchParams.get('exp'), sig: u.searchParams.get('sig') };
  };

  it('are accepted for their key until they expire', () => {
    const url = signChartUrl({ publicUrl: 'https://keyops.example.com/api', keyId, now, secret });
    const { path, exp, sig } = parts(url);
    expect(path).toBe(`/api/v1/usage/chart/${keyId}.png`);
    expect(checkChartUrl({ keyId, exp, sig, now, secret })).toBe(true);
    expect(checkChartUrl({ keyId, exp, sig, now: new Date(now.getTime() + CHART_URL_SECONDS * 1000), secret })).toBe(true);
    expect(checkChartUrl({ keyId, exp, sig, now: new Date(now.getTime() + CHART_URL_SECONDS * 1000 + 1000), secret })).toBe(false);
  });

  it('are refused for another key, a changed expiry, another secret or no signature', () => {
    const { exp, sig } = parts(signChartUrl({ publicUrl: 'https://keyops.example.com', keyId, now, secret }));
    expect(checkChartUrl({ keyId: 'key_0000000000000002', exp, sig, now, secret })).toBe(false);
    expect(checkChartUrl({ keyId, exp: String(Number(exp) + 3600), sig, now, secret })).toBe(false);
    expect(checkChartUrl({ keyId, exp, sig, now, secret: 't'.repeat(32) })).toBe(false);
    expect(checkChartUrl({ keyId, exp, sig: null, now, secret })).toBe(false);
  });
});
