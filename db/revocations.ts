/**
 * Revoking keys in the store: one atomic statement per confirmed revocation, whether it covers one
 * key, every key of a person or every key of an environment. The api_keys trigger notifies every
 * API process in that same transaction, so the commit is the moment verification starts refusing.
 *
 * Idempotent by revocation id: the id comes from the Slack view that was confirmed, so a double
 * submit (or Slack's retry) finds the keys it already revoked instead of revoking anything else.
 */
import type { Db } from './client';
import { Prisma } from '../generated/prisma/client';

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

/**
 * The same scopes in SQL, for the one statement below. Keep in step with scopeWhere (the
 * confirmation counts with that one; the e2e tests compare the count shown with the count revoked).
 */
function scopeCondition(scope: RevocationScope): Prisma.Sql {
  switch (scope.kind) {
    case 'key':
      return Prisma.sql`id = ${scope.keyId} AND status <> 'REVOKED'`;
    case 'owner':
      return Prisma.sql`owner_id = ${scope.ownerId} AND status IN ('ACTIVE', 'PENDING_REVEAL')`;
    case 'environment':
      return Prisma.sql`environment = ${scope.environment} AND status IN ('ACTIVE', 'PENDING_REVEAL')`;
  }
}

/**
 * Revokes and audits in one SQL statement: atomic like a transaction, but a single round trip, so
 * the commit (and with it every API's NOTIFY) does not wait for this process to be scheduled
 * between the steps of an interactive transaction. That is what a loaded machine stretches most.
 * `onlyOwnedBy` makes the statement itself refuse keys of anyone else.
 *
 * Returns every key revoked under this revocation id, also when an earlier attempt committed it;
 * empty when nothing matched (already revoked, or not the caller's key: the caller looks why).
 */
export async function commitRevocation(db: Db, input: RevocationInput & { onlyOwnedBy?: string }): Promise<KeyFacts[]> {
  const { scope, actorId, reason, source, via, revocationId } = input;
  const owned = input.onlyOwnedBy === undefined ? Prisma.empty : Prisma.sql`AND owner_id = ${input.onlyOwnedBy}`;
  const bulk = scope.kind === 'key' ? null : { targetType: scope.kind === 'owner' ? 'user' : 'environment', targetId: scope.kind === 'owner' ? scope.ownerId : scope.environment };
  // Times are UTC ISO strings cast to `timestamptz`: the Z is read, whatever the session time zone.
  // The rows are locked in id order first, the order every multi-key writer uses (the last-used
  // flush too), so a bulk revocation and a flush wait for each other rather than deadlock.
  await db.$executeRaw`
    WITH locked AS MATERIALIZED (
      SELECT id FROM api_keys WHERE ${scopeCondition(scope)} ${owned} ORDER BY id FOR UPDATE
    ), revoked AS (
      UPDATE api_keys
         SET status = 'REVOKED', revoked_at = ${input.now.toISOString()}::timestamptz(3), revoked_by = ${actorId}, revoked_reason = ${reason}, revocation_id = ${revocationId}
       WHERE id IN (SELECT id FROM locked) AND ${scopeCondition(scope)} ${owned}
       RETURNING id, owner_id, masked_key, environment
    ), audited AS (
      INSERT INTO audit_events (actor_id, action, target_type, target_id, source, details, dedupe_key)
      SELECT ${actorId}, 'key.revoked', 'key', id, ${source},
             jsonb_build_object('reason', ${reason}::text, 'via', ${via}::text, 'revocationId', ${revocationId}::text, 'ownerId', owner_id, 'maskedKey', masked_key, 'environment', environment),
             'revoked:' || id
        FROM revoked
      ON CONFLICT (dedupe_key) DO NOTHING
    )
    INSERT INTO audit_events (actor_id, action, target_type, target_id, source, details, dedupe_key)
    SELECT ${actorId}, 'keys.revoked_in_bulk', ${bulk?.targetType ?? ''}, ${bulk?.targetId ?? ''}, ${source},
           jsonb_build_object('reason', ${reason}::text, 'revocationId', ${revocationId}::text, 'count', count(*), 'keyIds', jsonb_agg(id ORDER BY id)),
           'revocation:' || ${revocationId}::text
      FROM revoked
     WHERE ${bulk !== null}
    HAVING count(*) > 0
    ON CONFLICT (dedupe_key) DO NOTHING`;
  return db.apiKey.findMany({ where: { revocationId }, select: KEY_FACTS, orderBy: { id: 'asc' } });
}
