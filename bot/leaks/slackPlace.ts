/**
 * Names for a leak's place: the channel's name and the poster's handle, so the revocation reason
 * reads "pasted in #general by @ana" in the audit log and the CLI, not only in Slack. Asked only
 * when a key was found, cached (names rarely change), and never in the way: when Slack is slow or
 * refuses, the ids stand in.
 */
import type { WebClient } from '@slack/web-api';
import type { LeakPlace, SlackConversationType } from '../../domain/leak';

const TIMEOUT_MS = 1500;
const MAX_CACHED = 1000;

export interface SlackPlaceNamer {
  describe(options: { client: WebClient; teamId: string; channelId: string; channelType: SlackConversationType; userId: string; messageTs: string }): Promise<LeakPlace>;
}

export function createSlackPlaceNamer(): SlackPlaceNamer {
  const names = new Map<string, string | null>();
  const cached = async (id: string, look: () => Promise<string | undefined>): Promise<string | null> => {
    const hit = names.get(id);
    if (hit) return hit;
    const timeout = new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), TIMEOUT_MS).unref());
    const name = (await Promise.race([look().catch(() => undefined), timeout])) ?? null;
    if (name) {
      if (names.size >= MAX_CACHED) names.clear();
      names.set(id, name);
    }
    return name;
  };
  return {
    async describe(o) {
      const [channelName, userName] = await Promise.all([
        o.channelType === 'im' || o.channelType === 'mpim' ? null : cached(o.channelId, async () => (await o.client.conversations.info({ channel: o.channelId })).channel?.name),
        cached(o.userId, async () => {
          const { user } = await o.client.users.info({ user: o.userId });
          return user?.profile?.display_name || user?.name;
        }),
      ]);
      return { kind: 'slack', teamId: o.teamId, channelId: o.channelId, channelType: o.channelType, channelName, userId: o.userId, userName, messageTs: o.messageTs };
    },
  };
}
