/** Pages of the audit log for `/apikey audit`: newest first, keyset-paged by id. */
import type { Db } from './client';
import type { Prisma } from '../generated/prisma/client';

/** What a page covers: everything (admins), one person's doings and keys, one key, or an owner's keys. */
export type AuditScope = { kind: 'all' } | { kind: 'person'; userId: string } | { kind: 'key'; keyId: string } | { kind: 'ownKeys'; ownerId: string };

export interface AuditLine {
  id: bigint;
  at: Date;
  actorId: string;
  action: string;
  targetType: string;
  targetId: string;
  source: string;
  details: Prisma.JsonValue;
}

export const AUDIT_PAGE_SIZE = 15;

export async function readAuditPage(db: Db, options: { scope: AuditScope; since: Date; beforeId?: bigint }): Promise<{ lines: AuditLine[]; more: boolean }> {
  const where: Prisma.AuditEventWhereInput = { at: { gte: options.since }, ...(options.beforeId === undefined ? {} : { id: { lt: options.beforeId } }), ...(await scopeWhere(db, options.scope)) };
  const rows = await db.auditEvent.findMany({ where, orderBy: { id: 'desc' }, take: AUDIT_PAGE_SIZE + 1, select: { id: true, at: true, actorId: true, action: true, targetType: true, targetId: true, source: true, details: true } });
  return { lines: rows.slice(0, AUDIT_PAGE_SIZE), more: rows.length > AUDIT_PAGE_SIZE };
}

async function scopeWhere(db: Db, scope: AuditScope): Promise<Prisma.AuditEventWhereInput> {
  if (scope.kind === 'all') return {};
  if (scope.kind === 'key') return { targetType: 'key', targetId: scope.keyId };
  const owner = scope.kind === 'person' ? scope.userId : scope.ownerId;
  const keys = await db.apiKey.findMany({ where: { ownerId: owner }, select: { id: true } });
  const onKeys: Prisma.AuditEventWhereInput = { targetType: 'key', targetId: { in: keys.map((k) => k.id) } };
  return scope.kind === 'person' ? { OR: [{ actorId: scope.userId }, onKeys, { targetType: 'user', targetId: scope.userId }] } : onKeys;
}
