/**
 * The Slack Web API as activities use it. A narrow interface so activities say what they do
 * (post, respond) and tests point the real WebClient at a fake Slack.
 */
import { WebClient } from '@slack/web-api';
import type { HomeView, KnownBlock, View } from '@slack/types';
import { KeyopsError } from '../domain/errors';
import { countSlackCalls } from './slackCallMetrics';

export interface SlackMessage {
  text: string;
  blocks?: KnownBlock[];
}

export interface SlackGateway {
  postEphemeral(options: { channel: string; user: string } & SlackMessage): Promise<void>;
  /**
   * `threadTs` posts a reply in that message's thread. `dedupeKey` goes into the message's metadata,
   * where findPosted() finds it again (see postOnce.ts).
   */
  postMessage(options: { channel: string; threadTs?: string; dedupeKey?: string } & SlackMessage): Promise<{ channel: string; ts: string }>;
  /**
   * The message the app posted with this dedupe key (conversations.history, or .replies in a thread,
   * with metadata), looking back to `since`; null when there is none.
   */
  findPosted(options: { channel: string; threadTs?: string; dedupeKey: string; since: Date }): Promise<{ channel: string; ts: string } | null>;
  /** Replaces a regular (non-ephemeral) message the app posted; throws `MessageGone` when it no longer exists. */
  updateMessage(options: { channel: string; ts: string } & SlackMessage): Promise<void>;
  openDm(options: { user: string }): Promise<string>;
  /** The members of a Slack user group (for approver and on-call groups). */
  membersOf(groupId: string): Promise<string[]>;
  /** True when respond() would post there: a Slack host (see isSlackResponseUrl). */
  acceptsResponseUrl(url: string): boolean;
  /** Posts to a response_url; throws `ResponseUrlGone` when Slack says it is used up or expired, `NotSlackUrl` for another host. */
  respond(options: { responseUrl: string; replaceOriginal: boolean } & SlackMessage): Promise<void>;
  /** Replaces an open modal; throws `ViewGone` when the user has closed it. */
  updateView(options: { viewId: string; view: View }): Promise<void>;
  /** Publishes a user's App Home tab. */
  publishHome(options: { userId: string; view: HomeView }): Promise<void>;
}

export class ResponseUrlGone extends Error {
  constructor(status: number) {
    super(`response_url refused with HTTP ${status}`);
    this.name = 'ResponseUrlGone';
  }
}

/** A response_url that is not Slack's: nothing was sent, and retrying cannot help. */
export class NotSlackUrl extends Error {
  constructor() {
    super('refused to post to a response_url that is not on a Slack host');
    this.name = 'NotSlackUrl';
  }
}

/** views.update found no open modal: the user closed it (and whatever it showed went with it). */
export class ViewGone extends Error {
  constructor() {
    super('views.update refused: the modal is closed');
    this.name = 'ViewGone';
  }
}

/** chat.update found nothing to update: the message or its channel was deleted. */
export class MessageGone extends Error {
  constructor(error: string) {
    super(`chat.update refused: ${error}`);
    this.name = 'MessageGone';
  }
}

/** The metadata event type of keyops's posts (Slack's convention: snake_case, app-specific). */
const POST_EVENT_TYPE = 'keyops_post';

const GONE_ERRORS = new Set(['message_not_found', 'channel_not_found', 'cant_update_message', 'is_archived']);

/** Where Slack's response_urls live. */
const SLACK_RESPONSE_HOSTS = new Set(['hooks.slack.com', 'hooks.slack-gov.com']);

/**
 * A response_url is only ever Slack's: whatever reaches respond() (a key is posted through it)
 * goes nowhere else, however it got there. The configured Web API's origin (SLACK_API_URL, a fake
 * Slack in tests) is Slack too.
 */
export function isSlackResponseUrl(url: string, apiUrl?: string): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  if (parsed.protocol === 'https:' && SLACK_RESPONSE_HOSTS.has(parsed.hostname) && parsed.port === '') return true;
  return apiUrl !== undefined && parsed.origin === new URL(apiUrl).origin;
}

export function createSlackGateway(options: { botToken?: string; apiUrl?: string }): SlackGateway {
  const client = options.botToken
    ? countSlackCalls(new WebClient(options.botToken, { ...(options.apiUrl ? { slackApiUrl: options.apiUrl } : {}), retryConfig: { retries: 2 } }))
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
      const metadata = o.dedupeKey ? { metadata: { event_type: POST_EVENT_TYPE, event_payload: { dedupe_key: o.dedupeKey } } } : {};
      const result = await web().chat.postMessage({ channel: o.channel, text: o.text, blocks: o.blocks, ...(o.threadTs ? { thread_ts: o.threadTs } : {}), ...metadata });
      return { channel: String(result.channel), ts: String(result.ts) };
    },
    async findPosted(o) {
      const oldest = (o.since.getTime() / 1000).toFixed(6);
      // The newest page is enough: the message was posted moments before the crash that lost its answer.
      const page = o.threadTs
        ? await web().conversations.replies({ channel: o.channel, ts: o.threadTs, oldest, include_all_metadata: true, limit: 200 })
        : await web().conversations.history({ channel: o.channel, oldest, include_all_metadata: true, limit: 200 });
      const found = (page.messages ?? []).find((m) => m.metadata?.event_type === POST_EVENT_TYPE && (m.metadata.event_payload as { dedupe_key?: unknown } | undefined)?.dedupe_key === o.dedupeKey);
      return found?.ts ? { channel: o.channel, ts: found.ts } : null;
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
    async updateView(o) {
      try {
        await web().views.update({ view_id: o.viewId, view: o.view });
      } catch (error) {
        if ((error as { data?: { error?: string } }).data?.error === 'not_found') throw new ViewGone();
        throw error;
      }
    },
    async publishHome(o) {
      await web().views.publish({ user_id: o.userId, view: o.view });
    },
    acceptsResponseUrl(url) {
      return isSlackResponseUrl(url, options.apiUrl);
    },
    async respond(o) {
      if (!isSlackResponseUrl(o.responseUrl, options.apiUrl)) throw new NotSlackUrl();
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
