/**
 * Storing a freshly minted key at its reveal, just before it is shown.
 *
 * A reveal that stopped (a crash, a kill) after storing its key and before Slack answered leaves
 * a key that may or may not be on its owner's screen: Slack's answer to the response_url post was
 * lost with the process, and an ephemeral message cannot be read back. The retried reveal mints a
 * new key for the request, and the uncertain one is kept, revoked, as a key of its own (no
 * request: the request's key is the new one). So whatever Slack did, the invariant holds: a key
 * the owner may have seen is still known to verification (REVOKED, with its id and reason, not
 * NOT_FOUND), and no ACTIVE key exists that its owner was never shown.
 */
import { newKeyId } from '../domain/ids';
import { recordAudit } from './audit';
import type { Db } from './client';

export interface MintedKey {
  keyId: string;
  keyHash: string;
  maskedKey: string;
  now: Date;
  expiresAt: Date;
}

/** Activates the request's key with the minted hash; false when a revocation came first. */
export async function storeMintedKey(db: Db, key: MintedKey): Promise<boolean> {
  // Conditional: a revocation that commits while the reveal runs must win, not be overwritten.
  const activated = await db.apiKey.updateMany({
    where: { id: key.keyId, status: 'PENDING_REVEAL' },
    data: { keyHash: key.keyHash, maskedKey: key.maskedKey, status: 'ACTIVE', revealedAt: key.now, expiresAt: key.expiresAt },
  });
  return activated.count > 0;
}

/**
 * For a retried reveal that found its key ACTIVE but its reveal unrecorded: in one transaction,
 * the uncertain key moves to a revoked key of its own and the request's key takes the new hash.
 * Resolves with the retired key's id, or null when a revocation came first.
 */
export async function replaceUnconfirmedKey(db: Db, key: MintedKey & { workflowId: string }): Promise<string | null> {
  return db.$transaction(async (tx) => {
    const old = await tx.apiKey.findUnique({
      where: { id: key.keyId },
      select: { ownerId: true, name: true, environment: true, scopes: true, status: true, keyHash: true, maskedKey: true, revealedAt: true, expiresAt: true },
    });
    if (!old || old.status !== 'ACTIVE' || !old.keyHash) return null;
    const activated = await tx.apiKey.updateMany({
      where: { id: key.keyId, status: 'ACTIVE', keyHash: old.keyHash },
      data: { keyHash: key.keyHash, maskedKey: key.maskedKey, revealedAt: key.now, expiresAt: key.expiresAt },
    });
    if (activated.count === 0) return null;
    const retiredId = newKeyId();
    await tx.apiKey.create({
      data: {
        id: retiredId,
        ownerId: old.ownerId,
        name: old.name,
        environment: old.environment,
        scopes: old.scopes,
        status: 'REVOKED',
        keyHash: old.keyHash,
        maskedKey: old.maskedKey,
        createdAt: old.revealedAt ?? key.now,
        revealedAt: old.revealedAt,
        expiresAt: old.expiresAt,
        revokedAt: key.now,
        revokedBy: 'system',
        revokedReason: `keyops stopped while showing this key, before Slack confirmed it; replaced by ${key.keyId}`,
      },
    });
    await recordAudit(tx, {
      actorId: 'system',
      action: 'key.replaced_unconfirmed',
      targetType: 'key',
      targetId: retiredId,
      source: `workflow:${key.workflowId}`,
      details: { maskedKey: old.maskedKey, replacedBy: key.keyId },
    });
    return retiredId;
  });
}
