/**
 * The usage recorder's pending counts (api/usage.ts): one cell per key and minute, merged when
 * there are too many, and laid out as parallel arrays for the upserts' unnest.
 */
import type { Logger } from '../runtime/log';

export interface Cell {
  requests: number;
  errors4xx: number;
  errors5xx: number;
  /** Empty until an outcome with a latency arrives: most rows only count verifications. */
  buckets: number[];
}

/**
 * Merges the oldest half of the cells into one cell per key, placed at the newest minute merged
 * for that key; the rest are kept as they are.
 */
export function mergeOldest(cells: Map<string, Cell>, log: Logger): Map<string, Cell> {
  const byAge = [...cells.entries()].map(([id, cell]) => ({ id, cell, keyId: id.split(' ')[0] as string, minute: Number(id.split(' ')[1]) }));
  byAge.sort((a, b) => a.minute - b.minute);
  const cut = Math.ceil(byAge.length / 2);
  const overflow = new Map<string, { minute: number; cell: Cell }>();
  for (const { keyId, minute, cell } of byAge.slice(0, cut)) {
    const merged = overflow.get(keyId) ?? { minute, cell: { requests: 0, errors4xx: 0, errors5xx: 0, buckets: [] } };
    merged.minute = Math.max(merged.minute, minute);
    addCounts(merged.cell, cell);
    overflow.set(keyId, merged);
  }
  const kept = new Map<string, Cell>();
  for (const [keyId, { minute, cell }] of overflow) addCell(kept, `${keyId} ${minute}`, cell);
  for (const { id, cell } of byAge.slice(cut)) addCell(kept, id, cell);
  log.warn('usage counts are waiting for the database: the oldest were merged per key', { merged: cut, keys: overflow.size, pending: kept.size });
  return kept;
}

export function addCell(into: Map<string, Cell>, id: string, cell: Cell): void {
  const existing = into.get(id);
  if (existing) addCounts(existing, cell);
  else into.set(id, cell);
}

function addCounts(to: Cell, from: Cell): void {
  to.requests += from.requests;
  to.errors4xx += from.errors4xx;
  to.errors5xx += from.errors5xx;
  if (from.buckets.length > 0) to.buckets = from.buckets.map((n, i) => n + (to.buckets[i] ?? 0));
}

/**
 * The batch re-keyed by the start of its `resolutionMs` period, as parallel arrays for unnest.
 * Runs every flush, three times (one a resolution) over every key-minute of the last second: each
 * id is split once, a minute-resolution batch is not re-grouped, and each period's ISO string is
 * made once.
 */
export function columns(batch: Map<string, Cell>, resolutionMs: number): { ids: string[]; at: string[]; requests: number[]; e4: number[]; e5: number[]; buckets: string[] } {
  const rows = new Map<string, { keyId: string; start: number; cell: Cell }>();
  for (const [id, cell] of batch) {
    const space = id.indexOf(' ');
    const keyId = id.slice(0, space);
    const minute = Number(id.slice(space + 1));
    const start = minute - (minute % resolutionMs);
    const rowId = start === minute ? id : `${keyId} ${start}`;
    const row = rows.get(rowId);
    if (row) addCounts(row.cell, cell);
    else rows.set(rowId, { keyId, start, cell: { ...cell, buckets: [...cell.buckets] } });
  }
  const iso = new Map<number, string>();
  const out = { ids: [] as string[], at: [] as string[], requests: [] as number[], e4: [] as number[], e5: [] as number[], buckets: [] as string[] };
  for (const { keyId, start, cell } of rows.values()) {
    let at = iso.get(start);
    if (at === undefined) iso.set(start, (at = new Date(start).toISOString()));
    out.ids.push(keyId);
    out.at.push(at);
    out.requests.push(cell.requests);
    out.e4.push(cell.errors4xx);
    out.e5.push(cell.errors5xx);
    out.buckets.push(cell.buckets.length === 0 ? '{}' : `{${cell.buckets.join(',')}}`);
  }
  return out;
}
