/**
 * Who may do what with keys, as the seed says: admins everything; developers request keys and
 * change their own; viewers read masked keys and usage of any key and change nothing, not even
 * their own keys; when `roles.developers` is set, only those listed there are developers. On-call's
 * wider powers are about revocation, which decides them itself (revokeAccess.ts).
 */
import type { RoleResolver } from './roles';

type Roles = { roles: RoleResolver };

export async function isAdmin(deps: Roles, userId: string): Promise<boolean> {
  return (await deps.roles.rolesOf(userId)).has('admin');
}

/** Admins and viewers may look at anyone's keys (masked) and lists. */
export async function canSeeAnyKey(deps: Roles, userId: string): Promise<boolean> {
  const roles = await deps.roles.rolesOf(userId);
  return roles.has('admin') || roles.has('viewer');
}

export const VIEWER_TEXT = (verb: string): string =>
  `You are a viewer in keyops: you can look at keys and their usage, but not ${verb} them, not even your own.`;
export const NOT_DEVELOPER_TEXT = (verb: string): string =>
  `Only the developers named in keyops's policy can ${verb} keys, and you are not one of them. An admin can add you to \`roles.developers\`.`;

/** Null when the user may request a new key; otherwise the reason, safe to show. */
export async function checkKeyRequest(deps: Roles, userId: string): Promise<string | null> {
  const roles = await deps.roles.rolesOf(userId);
  if (roles.has('admin') || roles.has('developer')) return null;
  return roles.has('viewer') ? VIEWER_TEXT('request') : NOT_DEVELOPER_TEXT('request');
}

export type KeyChangeRefusal = { why: 'VIEWER' | 'NOT_OWNER' | 'NOT_DEVELOPER'; text: string };

/**
 * Null when the user may change this key (extend, keep, rotate): its owner, if a developer, or an
 * admin. Otherwise why not, with a text safe to show; `verb` completes "can … it".
 */
export async function checkKeyChange(deps: Roles, options: { userId: string; key: { ownerId: string }; verb: string }): Promise<KeyChangeRefusal | null> {
  const roles = await deps.roles.rolesOf(options.userId);
  if (roles.has('admin')) return null;
  if (roles.has('viewer')) return { why: 'VIEWER', text: VIEWER_TEXT(options.verb) };
  if (options.key.ownerId !== options.userId) return { why: 'NOT_OWNER', text: `Only the owner of this key (or an admin) can ${options.verb} it.` };
  return roles.has('developer') ? null : { why: 'NOT_DEVELOPER', text: NOT_DEVELOPER_TEXT(options.verb) };
}
