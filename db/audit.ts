import type { Db } from './client';
import { Prisma } from '../generated/prisma/client';

export interface AuditEntry {
  /** Slack user id, or "system" for timers. */
  actorId: string;
  action: string;
  targetType: 'key' | 'request' | 'user' | 'environment';
  targetId: string;
  /** Where from: Slack team/channel, a workflow id, or a client address. */
  source: string;
  details?: Record<string, unknown>;
  /** Makes a retried activity record its event once. */
  dedupeKey?: string;
}

type AuditWriter = Pick<Db, 'auditEvent'> | Prisma.TransactionClient;

export async function recordAudit(db: AuditWriter, entry: AuditEntry): Promise<void> {
  await db.auditEvent.createMany({
    data: [
      {
        actorId: entry.actorId,
        action: entry.action,
        targetType: entry.targetType,
        targetId: entry.targetId,
        source: entry.source,
        details: (entry.details ?? {}) as Prisma.InputJsonValue,
        dedupeKey: entry.dedupeKey ?? null,
      },
    ],
    skipDuplicates: true,
  });
}

/**
 * For one SQL statement that changes something and audits it atomically: an insert of one event
 * per row of the statement's CTE `from` (which returns an `id`), each recorded once under
 * `dedupePrefix` + id, so a retried statement adds none.
 */
export function auditEachRowOf(from: string, entry: Omit<AuditEntry, 'targetId' | 'dedupeKey'> & { dedupePrefix: string }): Prisma.Sql {
  if (!/^[a-z_]+$/.test(from)) throw new Error(`not a CTE name: ${from}`);
  return Prisma.sql`
    INSERT INTO audit_events (actor_id, action, target_type, target_id, source, details, dedupe_key)
    SELECT ${entry.actorId}, ${entry.action}, ${entry.targetType}, id, ${entry.source}, ${JSON.stringify(entry.details ?? {})}::jsonb, ${entry.dedupePrefix}::text || id
      FROM ${Prisma.raw(from)}
    ON CONFLICT (dedupe_key) DO NOTHING`;
}
