/**
 * chat.postMessage once per dedupe key, across retries and crashes.
 *
 * Posting and recording that it was posted are two steps, and a process killed between Slack's
 * answer and the record would post again on its retry. So the intent is recorded first (in
 * slack_posts, without a ts), the message carries the dedupe key in its metadata, and a retry that
 * finds an intent without a ts looks for the message in the conversation before posting: found,
 * it is recorded and not posted again.
 *
 * Ephemeral messages (chat.postEphemeral) cannot be made idempotent this way: Slack keeps no copy
 * an app can read back (conversations.history does not return them; chat.update and chat.delete do
 * not reach them). A crash between one and its record posts it again. See README "Faults".
 */
import type { ActivityDeps } from './deps';
import type { SlackMessage } from './slackGateway';

/** How far before the recorded intent to look: clock skew between keyops and Slack. */
const LOOK_BACK_MS = 5 * 60_000;

export interface PostOnce {
  /** Unique per message ever meant: the same key is never a second message. */
  dedupeKey: string;
  channel: string;
  threadTs?: string;
  message: SlackMessage;
}

export async function postMessageOnce(deps: Pick<ActivityDeps, 'db' | 'slack'>, o: PostOnce): Promise<{ channel: string; ts: string }> {
  const prior = await deps.db.slackPost.findUnique({ where: { dedupeKey: o.dedupeKey } });
  if (prior?.ts) return { channel: prior.channelId, ts: prior.ts };
  if (prior) {
    const since = new Date(prior.createdAt.getTime() - LOOK_BACK_MS);
    const found = await deps.slack.findPosted({ channel: prior.channelId, dedupeKey: o.dedupeKey, since, ...(prior.threadTs ? { threadTs: prior.threadTs } : {}) });
    if (found) {
      await deps.db.slackPost.update({ where: { dedupeKey: o.dedupeKey }, data: { channelId: found.channel, ts: found.ts } });
      return found;
    }
  } else {
    await deps.db.slackPost.createMany({ data: [{ dedupeKey: o.dedupeKey, channelId: o.channel, threadTs: o.threadTs ?? null }], skipDuplicates: true });
  }
  const posted = await deps.slack.postMessage({ channel: prior?.channelId ?? o.channel, ...o.message, dedupeKey: o.dedupeKey, ...(o.threadTs ? { threadTs: o.threadTs } : {}) });
  await deps.db.slackPost.update({ where: { dedupeKey: o.dedupeKey }, data: { channelId: posted.channel, ts: posted.ts } });
  return posted;
}
