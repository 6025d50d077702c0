/**
 * Guests (Slack's restricted and ultra-restricted users) and people of another workspace (a
 * Slack Connect channel) may not use keyops at all. Slack says who someone is in `users.info`;
 * the answer is cached briefly, so a burst of clicks costs one call per person. When Slack cannot
 * say, the person is refused (not cached, so the next try asks again): access fails closed. An
 * answer in use is refreshed ahead of its expiry, so a busy person's ack never waits for Slack.
 */
import type { Logger } from '../../runtime/log';

export interface SlackMember {
  teamId: string;
  restricted: boolean;
  ultraRestricted: boolean;
}

export interface MemberDirectory {
  /** `users.info` of one user. */
  memberOf(userId: string): Promise<SlackMember>;
  /** The workspace keyops is installed in (`auth.test`). */
  workspaceTeamId(): Promise<string>;
}

export type MembershipRefusal = 'GUEST' | 'OTHER_WORKSPACE' | 'UNKNOWN';

export const MEMBERSHIP_REFUSAL_TEXT: Record<MembershipRefusal, string> = {
  GUEST: 'keyops is for full members of this workspace; guests cannot use it. Ask a full member or an admin for help.',
  OTHER_WORKSPACE: 'keyops serves the members of its own workspace only, and you are in another one. Ask someone in that workspace for help.',
  UNKNOWN: 'keyops could not check with Slack who you are just now, so it did nothing. Please try again in a moment.',
};

export interface MembershipCheck {
  /** Null for a full member of keyops's workspace. */
  refusalFor(userId: string): Promise<MembershipRefusal | null>;
}

export function createMembershipCheck(options: { directory: MemberDirectory; log: Logger; ttlMs?: number; now?: () => number }): MembershipCheck {
  const ttlMs = options.ttlMs ?? 60_000;
  const now = options.now ?? Date.now;
  const cache = new Map<string, { at: number; refusal: Promise<MembershipRefusal | null>; refreshing?: boolean }>();
  let workspace: Promise<string> | null = null;

  const decide = async (userId: string): Promise<MembershipRefusal | null> => {
    workspace ??= options.directory.workspaceTeamId().catch((error: unknown) => {
      workspace = null;
      throw error;
    });
    const [member, teamId] = await Promise.all([options.directory.memberOf(userId), workspace]);
    if (member.restricted || member.ultraRestricted) return 'GUEST';
    return member.teamId === teamId ? null : 'OTHER_WORKSPACE';
  };

  // Past half its life, an answer still in use is looked up again in the background: someone who
  // keeps using keyops never waits for Slack before their ack (users.info sits on the ack path),
  // and no answer older than ttlMs is ever used. A failed refresh keeps the old answer until it
  // expires; then the next request asks Slack itself, and is refused if Slack cannot say.
  const refreshAhead = (userId: string, hit: { at: number; refusal: Promise<MembershipRefusal | null>; refreshing?: boolean }): void => {
    hit.refreshing = true;
    const asked = now();
    decide(userId).then(
      (refusal) => {
        if (cache.get(userId) === hit) cache.set(userId, { at: asked, refusal: Promise.resolve(refusal) });
      },
      (error: unknown) => {
        hit.refreshing = false;
        options.log.warn('could not look a user up in Slack again; their last answer stands until it expires', { userId, error: (error as Error).message });
      },
    );
  };

  return {
    refusalFor(userId) {
      const hit = cache.get(userId);
      const age = hit ? now() - hit.at : Infinity;
      if (hit && age < ttlMs) {
        if (age >= ttlMs / 2 && !hit.refreshing) refreshAhead(userId, hit);
        return hit.refusal;
      }
      const refusal = decide(userId).catch((error: unknown) => {
        cache.delete(userId);
        options.log.warn('could not look a user up in Slack; refusing them for now', { userId, error: (error as Error).message });
        return 'UNKNOWN' as const;
      });
      cache.set(userId, { at: now(), refusal });
      return refusal;
    },
  };
}
