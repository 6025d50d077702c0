/**
 * How activities reach a person: the app's DM for notices (real messages, so a click's
 * response_url can replace them later), and for answers to a click the click's own response_url,
 * an ephemeral message where they clicked, or the DM when neither works.
 */
import { openUrl } from '../domain/sealedUrl';
import type { ReplyTo } from '../workflows/replyTo';
import type { ActivityDeps } from './deps';
import { postMessageOnce } from './postOnce';
import { ResponseUrlGone, type SlackMessage } from './slackGateway';

export interface Messenger {
  /** `dedupeKey`: the notice is posted once under it, whatever crashes (see postOnce.ts). */
  dm(options: { userId: string; message: SlackMessage; dedupeKey?: string }): Promise<void>;
  reply(options: { userId: string; replyTo: ReplyTo; message: SlackMessage }): Promise<void>;
}

export function createMessenger(deps: Pick<ActivityDeps, 'db' | 'slack' | 'log' | 'keyHashSecret'>): Messenger {
  const dm = async (options: { userId: string; message: SlackMessage; dedupeKey?: string }): Promise<void> => {
    const channel = await deps.slack.openDm({ user: options.userId });
    if (options.dedupeKey) await postMessageOnce(deps, { dedupeKey: options.dedupeKey, channel, message: options.message });
    else await deps.slack.postMessage({ channel, ...options.message });
  };
  /** Bound to the clicker it answers. One that will not open (from before bound seals, or not Slack's) leaves the DM. */
  const openReplyUrl = (sealed: string, userId: string): string | null => {
    try {
      const url = openUrl(sealed, deps.keyHashSecret, { purpose: 'reply', clickerId: userId });
      if (deps.slack.acceptsResponseUrl(url)) return url;
      deps.log.warn('a reply\'s response_url is not on a Slack host; sending a DM instead', { userId });
    } catch (error) {
      deps.log.warn('could not open a reply\'s response_url; sending a DM instead', { userId, error: (error as Error).message });
    }
    return null;
  };
  return {
    dm,
    async reply({ userId, replyTo, message }) {
      if (replyTo && 'responseUrl' in replyTo) {
        const responseUrl = openReplyUrl(replyTo.responseUrl, userId);
        if (responseUrl) {
          try {
            return await deps.slack.respond({ responseUrl, replaceOriginal: replyTo.replaceOriginal, ...message });
          } catch (error) {
            if (!(error instanceof ResponseUrlGone)) throw error;
          }
        }
      } else if (replyTo) {
        try {
          return await deps.slack.postEphemeral({ channel: replyTo.channelId, user: userId, ...message });
        } catch (error) {
          deps.log.warn('ephemeral reply refused; sending a DM instead', { channelId: replyTo.channelId, error: (error as Error).message });
        }
      }
      await dm({ userId, message });
    },
  };
}
