/**
 * The one way a rotation revokes a key: the old key when the grace period ends (or the owner
 * revokes it early), the new key when the owner cancels. It goes through the shared revocation
 * statement (db/revocations.ts: the update and its audit row in one statement; the api_keys
 * trigger empties every verify cache at its commit), then tells the key's lifecycle workflow.
 *
 * The owner is told by the rotation's own message, not by revocationWorkflow's notice: that one
 * says "ask for a new key", and a rotation has just delivered one. There is no reveal offer to
 * end either: both keys of a grace period were revealed.
 */
import { commitRevocation } from '../db/revocations';
import type { ActivityDeps } from './deps';

export interface RotationRevocation {
  keyId: string;
  actorId: string;
  reason: string;
  /** One per rotation ending: a retry finds the key revoked under it and changes nothing. */
  revocationId: string;
  source: string;
}

/** Returns true when the key is revoked under this revocation (now or by an earlier attempt). */
export async function revokeKeyAtRotationEnd(deps: Pick<ActivityDeps, 'db' | 'clock' | 'lifecycles'>, revocation: RotationRevocation): Promise<boolean> {
  const revoked = await commitRevocation(deps.db, {
    revocationId: revocation.revocationId,
    scope: { kind: 'key', keyId: revocation.keyId },
    actorId: revocation.actorId,
    reason: revocation.reason,
    source: revocation.source,
    via: 'rotation',
    now: deps.clock(),
  });
  const done = revoked.some((k) => k.id === revocation.keyId);
  if (done) await deps.lifecycles.notifyChanged(revocation.keyId);
  return done;
}
