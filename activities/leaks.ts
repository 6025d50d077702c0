/**
 * The messages of a leak (see workflows/leak.ts). Each is sent once: an audit row with a dedupe key
 * marks it sent, so a retried activity or a second run of the workflow posts nothing twice.
 */
import { recordAudit } from '../db/audit';
import { KEY_FACTS } from '../db/revocations';
import { LEAK_ACTOR, type LeakInput } from '../domain/leak';
import { buildLeakAnnouncement, buildLeakOwnerNotice, buildLeakPosterNotice } from '../bot/views/leakMessages';
import { leakWorkflowId } from '../workflows/leak';
import type { ActivityDeps } from './deps';
import { postMessageOnce } from './postOnce';
import type { SlackMessage } from './slackGateway';

export function createLeakActivities(deps: ActivityDeps) {
  /** Runs `send` (with the key its post is made once under) unless the audit log says it was done for this leak and recipient. */
  const once = async (input: LeakInput, recipient: string, send: (dedupeKey: string) => Promise<void>): Promise<void> => {
    const dedupeKey = `leak_told:${input.leakId}:${recipient}`;
    if (await deps.db.auditEvent.findUnique({ where: { dedupeKey }, select: { id: true } })) return;
    await send(dedupeKey);
    await recordAudit(deps.db, { actorId: LEAK_ACTOR, action: 'key.leak_told', targetType: 'key', targetId: input.keyId, source: `workflow:${leakWorkflowId(input.leakId)}`, details: { leakId: input.leakId, recipient }, dedupeKey });
  };
  const loadKey = (keyId: string) => deps.db.apiKey.findUniqueOrThrow({ where: { id: keyId }, select: KEY_FACTS });
  const dm = async (userId: string, message: SlackMessage, dedupeKey: string): Promise<void> => {
    await postMessageOnce(deps, { dedupeKey, channel: await deps.slack.openDm({ user: userId }), message });
  };

  return {
    /** The poster, visible to them only; by DM when the conversation refuses an ephemeral message. */
    async tellLeakPoster(input: LeakInput): Promise<void> {
      const place = input.place;
      if (place.kind !== 'slack') return;
      await once(input, `poster:${place.userId}`, async (dedupeKey) => {
        const message = buildLeakPosterNotice({ key: await loadKey(input.keyId), action: input.action });
        try {
          await deps.slack.postEphemeral({ channel: place.channelId, user: place.userId, ...message });
        } catch (error) {
          deps.log.warn('ephemeral leak notice refused; sending a DM instead', { leakId: input.leakId, error: (error as Error).message });
          await dm(place.userId, message, dedupeKey);
        }
      });
    },

    async tellLeakOwner(input: LeakInput): Promise<void> {
      const key = await loadKey(input.keyId);
      await once(input, `owner:${key.ownerId}`, (dedupeKey) => dm(key.ownerId, buildLeakOwnerNotice({ key, place: input.place, action: input.action }), dedupeKey));
    },

    /** The leak channel when set; in notify mode without one, each on-call member, who must be asked. */
    async announceLeak(input: LeakInput): Promise<void> {
      const channel = deps.policy.leaks.channel;
      const key = await loadKey(input.keyId);
      const message = buildLeakAnnouncement({ key, place: input.place, action: input.action });
      if (channel) return once(input, `channel:${channel}`, async (dedupeKey) => void (await postMessageOnce(deps, { dedupeKey, channel, message })));
      if (input.action !== 'notify') return;
      const oncall = await deps.roles.expand(deps.policy.roles.oncall);
      for (const userId of oncall) await once(input, `oncall:${userId}`, (dedupeKey) => dm(userId, message, dedupeKey));
    },
  };
}
