/**
 * Streams audit events out of PostgreSQL in constant memory: a server-side cursor, fetched in
 * batches, each batch written (and the writer's back-pressure awaited) before the next is read.
 */
import { Client } from 'pg';

export interface AuditRow {
  id: string;
  at: Date;
  actor_id: string;
  action: string;
  target_type: string;
  target_id: string;
  source: string;
  details: unknown;
}

const BATCH = 2000;
export const AUDIT_COLUMNS = ['id', 'at', 'actor', 'action', 'target_type', 'target_id', 'source', 'details'] as const;

export async function streamAuditRows(options: { databaseUrl: string; since: Date; write: (rows: AuditRow[]) => Promise<void> }): Promise<number> {
  const client = new Client({ connectionString: options.databaseUrl });
  await client.connect();
  let count = 0;
  try {
    // REPEATABLE READ: one snapshot, so the export is consistent however long it takes.
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    await client.query(
      `DECLARE audit_export NO SCROLL CURSOR FOR
         SELECT id::text, at, actor_id, action, target_type, target_id, source, details
           FROM audit_events WHERE at >= $1 ORDER BY id`,
      [options.since],
    );
    for (;;) {
      const { rows } = await client.query<AuditRow>(`FETCH ${BATCH} FROM audit_export`);
      if (rows.length === 0) break;
      count += rows.length;
      await options.write(rows);
    }
    await client.query('COMMIT');
    return count;
  } finally {
    await client.end();
  }
}

export function toJsonLine(row: AuditRow): string {
  return JSON.stringify({ id: row.id, at: row.at.toISOString(), actor: row.actor_id, action: row.action, targetType: row.target_type, targetId: row.target_id, source: row.source, details: row.details }) + '\n';
}

export function toCsvLine(row: AuditRow): string {
  const cells = [row.id, row.at.toISOString(), row.actor_id, row.action, row.target_type, row.target_id, row.source, JSON.stringify(row.details)];
  return cells.map(csvCell).join(',') + '\r\n';
}

/**
 * RFC 4180 quoting, and OWASP's guard against formula injection: auditors open these files in
 * spreadsheets, and reasons are typed by anyone, so a cell that starts like a formula gets a
 * leading apostrophe (the jsonl export keeps every value exactly).
 */
function csvCell(value: string): string {
  const guarded = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n']/.test(guarded) ? `"${guarded.replace(/"/g, '""')}"` : guarded;
}
