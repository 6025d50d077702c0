import type { Db } from './client';
import type { Prisma } from '../generated/prisma/client';

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
