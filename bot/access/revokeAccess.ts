/**
 * Who may revoke what: owners their own keys; the policy's on-call and admin roles any key, and
 * every key of a person or an environment at once. Everyone else is refused, and the attempt is
 * audited so that a responder can later see who tried.
 */
import type { Db } from '../../db/client';
import { recordAudit } from '../../db/audit';
import type { RevocationScope } from '../../db/revocations';
import type { RoleResolver } from './roles';

export type RevokeRefusal = 'NOT_OWNER' | 'NOT_RESPONDER' | 'VIEWER';

export async function isResponder(options: { roles: RoleResolver; userId: string }): Promise<boolean> {
  const roles = await options.roles.rolesOf(options.userId);
  return roles.has('oncall') || roles.has('admin');
}

/** Viewers are read-only: they may not revoke even their own keys (unless also on-call or admin). */
export async function mayRevokeOwnKeys(options: { roles: RoleResolver; userId: string }): Promise<boolean> {
  const roles = await options.roles.rolesOf(options.userId);
  return !roles.has('viewer') || roles.has('oncall') || roles.has('admin');
}

/** Null when allowed. `ownerId` is the key's owner for a single-key revocation. */
export async function checkRevokeAccess(options: { roles: RoleResolver; userId: string; scope: RevocationScope; ownerId?: string }): Promise<RevokeRefusal | null> {
  if (await isResponder(options)) return null;
  if (options.scope.kind !== 'key') return 'NOT_RESPONDER';
  if (!(await mayRevokeOwnKeys(options))) return 'VIEWER';
  return options.ownerId === options.userId ? null : 'NOT_OWNER';
}

export const REVOKE_REFUSAL_TEXT: Record<RevokeRefusal, string> = {
  NOT_OWNER: 'You can revoke only your own keys. On-call and admins can revoke any key: if this one leaked, page on-call now. This attempt was recorded.',
  NOT_RESPONDER: 'Revoking every key of a person or an environment is for on-call and admins. This attempt was recorded.',
  VIEWER: 'You are a viewer in keyops: you can look at keys and their usage, but not revoke them, not even your own. If a key leaked, page on-call now. This attempt was recorded.',
};

export async function recordRevokeRefusal(options: { db: Db; userId: string; scope: RevocationScope | { kind: 'masked'; maskedKey: string }; why: RevokeRefusal; via: string; source: string }): Promise<void> {
  const { scope } = options;
  const target =
    scope.kind === 'key' ? { targetType: 'key' as const, targetId: scope.keyId }
    : scope.kind === 'masked' ? { targetType: 'key' as const, targetId: scope.maskedKey }
    : scope.kind === 'owner' ? { targetType: 'user' as const, targetId: scope.ownerId }
    : { targetType: 'environment' as const, targetId: scope.environment };
  await recordAudit(options.db, { actorId: options.userId, action: 'key.revoke_refused', ...target, source: options.source, details: { why: options.why, via: options.via } });
}
