/**
 * Revoking keys in the store: one transaction per confirmed revocation, whether it covers one key,
 * every key of a person or every key of an environment. The api_keys trigger notifies every API
 * process in that same transaction, so the commit is the moment verification starts refusing.
 *
 * Idempotent by revocation id: the id comes from the Slack view that was confirmed, so a double
 * submit (or Slack's retry) finds the keys it already revoked instead of revoking anything else.
 */
import type { Db } from './client';
import { recordAudit } from './audit';
import type { Prisma } from '../generated/prisma/client';

/** What a revocation covers. Bulk scopes take live keys only; one key can be revoked in any state. */
export type RevocationScope = { kind: 'key'; keyId: string } | { kind: 'owner'; ownerId: string } | { kind: 'environment'; environment: string };

export const LIVE_STATUSES = ['ACTIVE', 'PENDING_REVEAL'] as const;

/** The fields a confirmation, a refusal or a notice shows about a key. */
export const KEY_FACTS = {
  id: true,
  ownerId: true,
  name: true,
  environment: true,
  scopes: true,
  status: true,
  maskedKey: true,
  lastUsedAt: true,
  expiresAt: true,
  revokedAt: true,
  revokedBy: true,
  revokedReason: true,
  revocationId: true,
} as const satisfies Prisma.ApiKeySelect;

export type KeyFacts = Prisma.ApiKeyGetPayload<{ select: typeof KEY_FACTS }>;

export function revocationIdForView(viewId: string): string {
  return `rv_${viewId}`;
}

export function scopeWhere(scope: RevocationScope): Prisma.ApiKeyWhereInput {
  switch (scope.kind) {
    case 'key':
      return { id: scope.keyId, status: { not: 'REVOKED' } };
    case 'owner':
      return { ownerId: scope.ownerId, status: { in: [...LIVE_STATUSES] } };
    case 'environment':
      return { environment: scope.environment, status: { in: [...LIVE_STATUSES] } };
  }
}

export interface RevocationInput {
  revocationId: string;
  scope: RevocationScope;
  actorId: string;
  reason: string;
  /** Where from, for the audit log: the Slack team and channel. */
  source: string;
  /** How the responder named the key(s): id, masked, secret, button, user, environment. */
  via: string;
  now: Date;
}

/** Returns every key revoked under this revocation id (also when an earlier attempt committed it). */
export async function commitRevocation(db: Db, input: RevocationInput): Promise<KeyFacts[]> {
  return db.$transaction(
    async (tx) => {
      const revoked = await tx.apiKey.updateManyAndReturn({
        where: scopeWhere(input.scope),
        data: { status: 'REVOKED', revokedAt: input.now, revokedBy: input.actorId, revokedReason: input.reason, revocationId: input.revocationId },
        select: KEY_FACTS,
      });
      if (revoked.length === 0) return tx.apiKey.findMany({ where: { revocationId: input.revocationId }, select: KEY_FACTS, orderBy: { id: 'asc' } });
      await tx.auditEvent.createMany({
        data: revoked.map((key) => ({
          actorId: input.actorId,
          action: 'key.revoked',
          targetType: 'key',
          targetId: key.id,
          source: input.source,
          details: { reason: input.reason, via: input.via, revocationId: input.revocationId, ownerId: key.ownerId, maskedKey: key.maskedKey, environment: key.environment },
          dedupeKey: `revoked:${key.id}`,
        })),
        skipDuplicates: true,
      });
      if (input.scope.kind !== 'key') {
        await recordAudit(tx, {
          actorId: input.actorId,
          action: 'keys.revoked_in_bulk',
          targetType: input.scope.kind === 'owner' ? 'user' : 'environment',
          targetId: input.scope.kind === 'owner' ? input.scope.ownerId : input.scope.environment,
          source: input.source,
          details: { reason: input.reason, revocationId: input.revocationId, count: revoked.length, keyIds: revoked.map((k) => k.id) },
          dedupeKey: `revocation:${input.revocationId}`,
        });
      }
      return revoked.sort((a, b) => a.id.localeCompare(b.id));
    },
    // A Slack modal waits 3 seconds for its answer: fail in time to say so.
    { maxWait: 1000, timeout: 2000 },
  );
}
