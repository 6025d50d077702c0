/**
 * The Slack Web API as activities use it. A narrow interface so activities say what they do
 * (post, respond) and tests point the real WebClient at a fake Slack.
 */
import { WebClient } from '@slack/web-api';
import type { HomeView, KnownBlock } from '@slack/types';
import { KeyopsError } from '../domain/errors';

export interface SlackMessage {
  text: string;
  blocks?: KnownBlock[];
}

export interface SlackGateway {
  postEphemeral(options: { channel: string; user: string } & SlackMessage): Promise<void>;
  /** `threadTs` posts a reply in that message's thread. */
  postMessage(options: { channel: string; threadTs?: string } & SlackMessage): Promise<{ channel: string; ts: string }>;
  /** Replaces a regular (non-ephemeral) message the app posted; throws `MessageGone` when it no longer exists. */
  updateMessage(options: { channel: string; ts: string } & SlackMessage): Promise<void>;
  openDm(options: { user: string }): Promise<string>;
  /** The members of a Slack user group (for approver and on-call groups). */
  membersOf(groupId: string): Promise<string[]>;
  /** Posts to a response_url; throws `ResponseUrlGone` when Slack says it is used up or expired. */
  respond(options: { responseUrl: string; replaceOriginal: boolean } & SlackMessage): Promise<void>;
  /** Publishes a user's App Home tab. */
  publishHome(options: { userId: string; view: HomeView }): Promise<void>;
}

export class ResponseUrlGone extends Error {
  constructor(status: number) {
    super(`response_url refused with HTTP ${status}`);
    this.name = 'ResponseUrlGone';
  }
}

/** chat.update found nothing to update: the message or its channel was deleted. */
export class MessageGone extends Error {
  constructor(error: string) {
    super(`chat.update refused: ${error}`);
    this.name = 'MessageGone';
  }
}

const GONE_ERRORS = new Set(['message_not_found', 'channel_not_found', 'cant_update_message', 'is_archived']);

export function createSlackGateway(options: { botToken?: string; apiUrl?: string }): SlackGateway {
  const client = options.botToken
    ? new WebClient(options.botToken, { ...(options.apiUrl ? { slackApiUrl: options.apiUrl } : {}), retryConfig: { retries: 2 } })
    : null;
  const web = (): WebClient => {
    if (client) return client;
    throw new KeyopsError({ code: 'NOT_CONFIGURED', message: 'SLACK_BOT_TOKEN is not set; cannot call Slack', retryable: true });
  };
  return {
    async postEphemeral(o) {
      await web().chat.postEphemeral({ channel: o.channel, user: o.user, text: o.text, blocks: o.blocks });
    },
    async postMessage(o) {
      const result = await web().chat.postMessage({ channel: o.channel, text: o.text, blocks: o.blocks, ...(o.threadTs ? { thread_ts: o.threadTs } : {}) });
      return { channel: String(result.channel), ts: String(result.ts) };
    },
    async updateMessage(o) {
      try {
        await web().chat.update({ channel: o.channel, ts: o.ts, text: o.text, blocks: o.blocks ?? [] });
      } catch (error) {
        const code = (error as { data?: { error?: string } }).data?.error;
        if (code && GONE_ERRORS.has(code)) throw new MessageGone(code);
        throw error;
      }
    },
    async openDm(o) {
      const result = await web().conversations.open({ users: o.user });
      return String(result.channel?.id);
    },
    async membersOf(groupId) {
      const result = await web().usergroups.users.list({ usergroup: groupId });
      return result.users ?? [];
    },
    async publishHome(o) {
      await web().views.publish({ user_id: o.userId, view: o.view });
    },
    async respond(o) {
      const response = await fetch(o.responseUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ text: o.text, blocks: o.blocks, replace_original: o.replaceOriginal, response_type: 'ephemeral' }),
        signal: AbortSignal.timeout(10_000),
      });
      await response.text();
      if (response.status === 404 || response.status === 410) throw new ResponseUrlGone(response.status);
      if (!response.ok) throw new Error(`response_url answered HTTP ${response.status}`);
    },
  };
}
