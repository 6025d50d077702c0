/**
 * Who someone is under the policy: admin, on-call, viewer or developer. Policy lists hold Slack
 * user ids (U…/W…) and user-group ids (S…); a group counts as all its members, read from Slack
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
}

export function createRoleResolver(options: { policy: Policy; directory: GroupDirectory; log: Logger; ttlMs?: number; now?: () => number }): RoleResolver {
  const ttlMs = options.ttlMs ?? 60_000;
  const now = options.now ?? Date.now;
  const cache = new Map<string, { at: number; members: Promise<Set<string>> }>();

  const membersOf = (groupId: string): Promise<Set<string>> => {
    const hit = cache.get(groupId);
    if (hit && now() - hit.at < ttlMs) return hit.members;
    const members = options.directory.membersOf(groupId).then(
      (ids) => new Set(ids),
      (error: unknown) => {
        cache.delete(groupId);
        options.log.warn('could not read a Slack user group; treating it as empty', { groupId, error: (error as Error).message });
        return new Set<string>();
      },
    );
    cache.set(groupId, { at: now(), members });
    return members;
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
      if (found.size === 0) found.add('developer');
      return found;
    },
    async expand(ids) {
      const users = new Set<string>();
      for (const id of ids) {
        if (id.startsWith('S')) for (const member of await membersOf(id)) users.add(member);
        else users.add(id);
      }
      return [...users];
    },
  };
}
