/**
 * The one way a rotation revokes a key: the old key when the grace period ends (or the owner
 * revokes it early), the new key when the owner cancels. Interim implementation until the shared
 * revocation path (issue 6: one transaction with the audit, the change notification that empties
 * every verify cache, the owner's notice) is on main; then this delegates to it.
 */
import { recordAudit } from '../db/audit';
import type { ActivityDeps } from './deps';

export interface RotationRevocation {
  keyId: string;
  actorId: string;
  reason: string;
  /** A rotation revokes each key once: retries find it revoked and change nothing. */
  revocationId: string;
  source: string;
}

/** Returns true when this call revoked the key (false: it was not live any more). */
export async function revokeKeyAtRotationEnd(deps: Pick<ActivityDeps, 'db' | 'clock' | 'lifecycles'>, revocation: RotationRevocation): Promise<boolean> {
  const revoked = await deps.db.$transaction(async (tx) => {
    const result = await tx.apiKey.updateMany({
      where: { id: revocation.keyId, status: { in: ['ACTIVE', 'PENDING_REVEAL'] } },
      data: { status: 'REVOKED', revokedAt: deps.clock(), revokedBy: revocation.actorId, revokedReason: revocation.reason, graceEndsAt: null },
    });
    if (result.count === 0) return false;
    await recordAudit(tx, {
      actorId: revocation.actorId,
      action: 'key.revoked',
      targetType: 'key',
      targetId: revocation.keyId,
      source: revocation.source,
      details: { reason: revocation.reason, via: 'rotation', revocationId: revocation.revocationId },
      dedupeKey: `revoked:${revocation.keyId}`,
    });
    return true;
  });
  if (revoked) await deps.lifecycles.notifyChanged(revocation.keyId);
  return revoked;
}
