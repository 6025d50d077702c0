/**
 * A bar chart as a PNG, written by hand: an indexed-colour image (three palette entries), each row
 * prefixed by filter type 0 and the whole deflated into one IDAT chunk. Charts are a few kilobytes
 * and drawn once per usage message, so an image library would be a dependency for nothing.
 *
 * Layout: `values.length` bars of equal width with one-pixel gaps, scaled to the largest value,
 * standing on a one-pixel baseline; zero draws nothing above the baseline.
 */
import { crc32, deflateSync } from 'node:zlib';

const BACKGROUND = 0;
const BAR = 1;
const AXIS = 2;
const PALETTE = Buffer.from([0xff, 0xff, 0xff, 0x2e, 0x7d, 0xd1, 0x99, 0x99, 0x99]);
const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

/** Palette indexes, row by row (top first): what the PNG encodes, exposed for tests. */
export function barChartPixels(options: { values: readonly number[]; barWidth: number; height: number }): Uint8Array[] {
  const { values, barWidth, height } = options;
  const width = values.length * (barWidth + 1) + 1;
  const max = Math.max(0, ...values);
  const plot = height - 1;
  const heights = values.map((v) => (max === 0 || v <= 0 ? 0 : Math.max(1, Math.round((v / max) * plot))));
  const rows: Uint8Array[] = [];
  for (let y = 0; y < height; y++) {
    const row = new Uint8Array(width).fill(BACKGROUND);
    if (y === height - 1) row.fill(AXIS);
    else {
      heights.forEach((h, i) => {
        if (plot - y <= h) row.fill(BAR, i * (barWidth + 1) + 1, i * (barWidth + 1) + 1 + barWidth);
      });
    }
    rows.push(row);
  }
  return rows;
}

export function renderBarChartPng(options: { values: readonly number[]; barWidth?: number; height?: number }): Buffer {
  const rows = barChartPixels({ values: options.values, barWidth: options.barWidth ?? 16, height: options.height ?? 160 });
  const width = rows[0]?.length ?? 1;
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(rows.length, 4);
  header.set([8, 3, 0, 0, 0], 8); // 8-bit palette indexes, deflate, adaptive filtering, no interlace
  const raw = Buffer.concat(rows.map((row) => Buffer.concat([Buffer.from([0]), row])));
  return Buffer.concat([SIGNATURE, chunk('IHDR', header), chunk('PLTE', PALETTE), chunk('IDAT', deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]);
}
