/**
 * Who someone is under the policy: admin, on-call, viewer, developer (may request keys and change
 * their own), or none of them (when `roles.developers` is set and they are not in it). Policy
 * lists hold Slack user ids (U…/W…) and user-group ids (S…); a group counts as all its members, read from Slack
 * (`usergroups.users.list`) and cached briefly so a burst of clicks costs one call per group.
 * If Slack cannot say who is in a group, membership is denied: access fails closed.
 */
import type { Policy, Role } from '../../domain/policy';
import type { Logger } from '../../runtime/log';

export interface GroupDirectory {
  /** The user ids in a Slack user group. */
  membersOf(groupId: string): Promise<string[]>;
}

export interface RoleResolver {
  rolesOf(userId: string): Promise<Set<Role>>;
  /** True when the user is listed, directly or through one of the listed groups. */
  isListed(userId: string, ids: readonly string[]): Promise<boolean>;
  /** Expands a list of users and groups to user ids (for messaging every approver). */
  expand(ids: readonly string[]): Promise<string[]>;
  /** Like `expand`, and also names the groups Slack could not list (they count as empty). */
  resolve(ids: readonly string[]): Promise<{ users: string[]; unreadable: string[] }>;
}

export function createRoleResolver(options: { policy: Policy; directory: GroupDirectory; log: Logger; ttlMs?: number; now?: () => number }): RoleResolver {
  const ttlMs = options.ttlMs ?? 60_000;
  const now = options.now ?? Date.now;
  // null: Slack could not list the group (not cached, so the next ask tries again).
  const cache = new Map<string, { at: number; members: Promise<Set<string> | null> }>();

  const readGroup = (groupId: string): Promise<Set<string> | null> => {
    const hit = cache.get(groupId);
    if (hit && now() - hit.at < ttlMs) return hit.members;
    const members = options.directory.membersOf(groupId).then(
      (ids) => new Set(ids),
      (error: unknown) => {
        cache.delete(groupId);
        options.log.warn('could not read a Slack user group; treating it as empty', { groupId, error: (error as Error).message });
        return null;
      },
    );
    cache.set(groupId, { at: now(), members });
    return members;
  };
  const membersOf = async (groupId: string): Promise<Set<string>> => (await readGroup(groupId)) ?? new Set<string>();

  const resolve = async (ids: readonly string[]): Promise<{ users: string[]; unreadable: string[] }> => {
    const users = new Set<string>();
    const unreadable: string[] = [];
    for (const id of ids) {
      if (!id.startsWith('S')) {
        users.add(id);
        continue;
      }
      const members = await readGroup(id);
      if (members) for (const member of members) users.add(member);
      else unreadable.push(id);
    }
    return { users: [...users], unreadable };
  };

  const isListed = async (userId: string, ids: readonly string[]): Promise<boolean> => {
    if (ids.includes(userId)) return true;
    for (const id of ids) {
      if (id.startsWith('S') && (await membersOf(id)).has(userId)) return true;
    }
    return false;
  };

  return {
    isListed,
    async rolesOf(userId) {
      const { roles } = options.policy;
      const found = new Set<Role>();
      if (await isListed(userId, roles.admins)) found.add('admin');
      if (await isListed(userId, roles.oncall)) found.add('oncall');
      if (await isListed(userId, roles.viewers)) found.add('viewer');
      // Viewers are read-only, whatever else they are listed as; an empty developers list means
      // every member (guests and other workspaces are turned away before roles are asked).
      const developer = roles.developers.length === 0 || (await isListed(userId, roles.developers));
      if (!found.has('viewer') && developer) found.add('developer');
      return found;
    },
    resolve,
    async expand(ids) {
      return (await resolve(ids)).users;
    },
  };
}
