/**
 * How activities reach a person: the app's DM for notices (real messages, so a click's
 * response_url can replace them later), and for answers to a click the click's own response_url,
 * an ephemeral message where they clicked, or the DM when neither works.
 */
import { ApplicationFailure } from '@temporalio/activity';
import { openUrl } from '../domain/sealedUrl';
import type { ReplyTo } from '../workflows/replyTo';
import type { ActivityDeps } from './deps';
import { ResponseUrlGone, type SlackMessage } from './slackGateway';

export interface Messenger {
  dm(options: { userId: string; message: SlackMessage }): Promise<void>;
  reply(options: { userId: string; replyTo: ReplyTo; message: SlackMessage }): Promise<void>;
}

/**
 * The response_url inside a seal. One that cannot be opened (tampered with, or sealed under another
 * KEY_HASH_SECRET) never will be: the activity fails without retrying.
 */
export function openResponseUrl(sealed: string, secret: string): string {
  try {
    return openUrl(sealed, secret);
  } catch (error) {
    throw ApplicationFailure.nonRetryable(`cannot open the sealed response_url: ${(error as Error).message}`);
  }
}

export function createMessenger(deps: Pick<ActivityDeps, 'slack' | 'log' | 'keyHashSecret'>): Messenger {
  const dm = async (options: { userId: string; message: SlackMessage }): Promise<void> => {
    const channel = await deps.slack.openDm({ user: options.userId });
    await deps.slack.postMessage({ channel, ...options.message });
  };
  return {
    dm,
    async reply({ userId, replyTo, message }) {
      if (replyTo && 'responseUrl' in replyTo) {
        try {
          return await deps.slack.respond({ responseUrl: openResponseUrl(replyTo.responseUrl, deps.keyHashSecret), replaceOriginal: replyTo.replaceOriginal, ...message });
        } catch (error) {
          if (!(error instanceof ResponseUrlGone)) throw error;
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
