/**
 * Who may read a key's usage: its owner; admins; viewers (the policy's read-only role over
 * masked keys and usage); and on-call, who already may see and revoke any key and, during an
 * incident, must see whether a leaked key is being used before deciding. Every other developer
 * is refused: usage shows who calls what, how often, and when, which is the owner's business.
 */
import type { RoleResolver } from './roles';

export async function canReadUsage(options: { roles: RoleResolver; userId: string; ownerId: string }): Promise<boolean> {
  if (options.ownerId === options.userId) return true;
  const roles = await options.roles.rolesOf(options.userId);
  return roles.has('admin') || roles.has('viewer') || roles.has('oncall');
}

export const USAGE_REFUSAL_TEXT = 'You can see the usage of your own keys only. Admins, viewers and on-call can see any key\'s usage.';
