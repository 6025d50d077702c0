/**
 * Who may act on a key from Slack: its owner, and admins (the policy's "everything"). On-call's
 * wider powers are about revocation, which decides them itself.
 */
import type { BotDeps } from '../deps';

export async function isAdmin(deps: Pick<BotDeps, 'roles'>, userId: string): Promise<boolean> {
  return (await deps.roles.rolesOf(userId)).has('admin');
}

export async function canManageKey(deps: Pick<BotDeps, 'roles'>, userId: string, key: { ownerId: string }): Promise<boolean> {
  return key.ownerId === userId || isAdmin(deps, userId);
}
