/**
 * chat.*, conversations.open, .info, .history and .replies, users.info, auth.test and usergroups.users.list.
 *
 * Each handler answers with the fields keyops is likely to read in real Slack
 * responses (ts, channel, message_ts, ...) and with Slack's error codes, so
 * code paths that handle errors can be exercised, not just the happy path.
 */
import { createHash } from 'node:crypto';
import { APP_ID, BOT_ID, BOT_USER_ID, slackError, str, userName, type ApiContext, type Handler } from './context';
import { dmChannelFor, isChannelId, isUserId } from './ids';
import { isObj } from './limits';
import { validateMessage } from './surfaces';
import type { ChannelMessage, Obj, SlackError } from './types';

/** chat.postMessage accepts a user id and posts into the app's DM with that user. */
function resolvePostChannel(raw: unknown): string | undefined {
  const id = str(raw);
  if (id === undefined) return undefined;
  if (isUserId(id)) return dmChannelFor(id);
  return isChannelId(id) ? id : undefined;
}

export function messageJson(m: ChannelMessage, teamId: string, o: { metadata?: boolean } = {}): Obj {
  return {
    type: 'message', text: m.text, user: BOT_USER_ID, bot_id: BOT_ID, app_id: APP_ID, team: teamId, ts: m.ts,
    ...(m.blocks.length > 0 && { blocks: m.blocks }),
    ...(m.threadTs !== undefined && { thread_ts: m.threadTs }),
    ...(o.metadata === true && m.metadata !== undefined && { metadata: m.metadata }),
  };
}

/** Slack's message metadata: an event_type and an object payload; anything else is refused. */
function metadataOf(raw: unknown): Obj | SlackError | undefined {
  if (raw === undefined || raw === '') return undefined;
  if (!isObj(raw) || typeof raw.event_type !== 'string' || !isObj(raw.event_payload)) return slackError('invalid_metadata_format');
  return { event_type: raw.event_type, event_payload: raw.event_payload };
}

const postMessage: Handler = (args, ctx) => {
  const channel = resolvePostChannel(args.channel);
  if (!channel) return slackError('channel_not_found');
  const invalid = validateMessage(args);
  if (invalid) return invalid;
  const threadTs = str(args.thread_ts);
  const metadata = metadataOf(args.metadata);
  if (metadata && 'ok' in metadata) return metadata;
  const message = ctx.state.postChannel(channel, args, 'api', { ...(threadTs !== undefined && { threadTs }), ...(metadata && { metadata }) });
  return { ok: true, channel, ts: message.ts, message: messageJson(message, ctx.teamId) };
};

const postEphemeral: Handler = (args, ctx) => {
  const channel = resolvePostChannel(args.channel);
  if (!channel) return slackError('channel_not_found');
  const user = str(args.user);
  if (user === undefined || !isUserId(user)) return slackError('user_not_in_channel');
  const invalid = validateMessage(args);
  if (invalid) return invalid;
  return { ok: true, message_ts: ctx.state.postEphemeral(channel, user, args, 'api').ts };
};

/**
 * Looks up a channel message for chat.update/delete. Ephemeral messages are
 * deliberately never found: real Slack answers `message_not_found` for them,
 * and a fake that allowed it would hide a bug only production shows.
 */
function findEditable(args: Obj, ctx: ApiContext): ChannelMessage | SlackError {
  const channel = str(args.channel);
  if (channel === undefined || !isChannelId(channel)) return slackError('channel_not_found');
  const ts = str(args.ts);
  return (ts !== undefined && ctx.state.findChannelMessage(channel, ts)) || slackError('message_not_found');
}

const update: Handler = (args, ctx) => {
  const found = findEditable(args, ctx);
  if ('ok' in found) return found;
  const invalid = validateMessage({ text: args.text ?? found.text, blocks: args.blocks ?? found.blocks });
  if (invalid) return invalid;
  ctx.state.edit(found, args);
  return { ok: true, channel: found.channelId, ts: found.ts, text: found.text, message: messageJson(found, ctx.teamId) };
};

const remove: Handler = (args, ctx) => {
  const found = findEditable(args, ctx);
  if ('ok' in found) return found;
  ctx.state.remove(found);
  return { ok: true, channel: found.channelId, ts: found.ts };
};

const conversationsOpen: Handler = (args) => {
  const raw = Array.isArray(args.users) ? args.users.join(',') : str(args.users) ?? '';
  const users = raw.split(',').map((u) => u.trim()).filter(Boolean);
  if (users.length === 0) {
    const channel = str(args.channel);
    return channel !== undefined && isChannelId(channel) ? { ok: true, channel: { id: channel } } : slackError('users_list_not_supplied');
  }
  if (!users.every(isUserId)) return slackError('user_not_found');
  const [only] = users;
  if (users.length === 1 && only !== undefined) return { ok: true, channel: { id: dmChannelFor(only), is_im: true, user: only } };
  const digest = createHash('sha1').update([...users].sort().join(',')).digest('hex').slice(0, 10).toUpperCase();
  return { ok: true, channel: { id: `G${digest}`, is_mpim: true } };
};

const asTs = (raw: unknown): number | undefined => (str(raw) === undefined ? undefined : Number(str(raw)));

/**
 * conversations.history: the channel's top-level messages, newest first, within `oldest`/`latest`
 * (exclusive, as Slack's default), in one page of `limit`; metadata only with `include_all_metadata`.
 */
const conversationsHistory: Handler = (args, ctx) => {
  const channel = str(args.channel);
  if (channel === undefined || !isChannelId(channel)) return slackError('channel_not_found');
  const oldest = asTs(args.oldest) ?? 0;
  const latest = asTs(args.latest) ?? Infinity;
  const limit = Number(args.limit ?? 100) || 100;
  const metadata = args.include_all_metadata === true || args.include_all_metadata === 'true';
  const messages = ctx.state.channelMessages
    .filter((m) => m.channelId === channel && !m.deleted && (m.threadTs === undefined || m.threadTs === m.ts) && Number(m.ts) > oldest && Number(m.ts) < latest)
    .sort((a, b) => Number(b.ts) - Number(a.ts));
  return { ok: true, messages: messages.slice(0, limit).map((m) => messageJson(m, ctx.teamId, { metadata })), has_more: messages.length > limit, response_metadata: { next_cursor: '' } };
};

/** conversations.replies: a thread's parent and its replies, oldest first. */
const conversationsReplies: Handler = (args, ctx) => {
  const channel = str(args.channel);
  const ts = str(args.ts);
  if (channel === undefined || !isChannelId(channel)) return slackError('channel_not_found');
  const parent = ts === undefined ? undefined : ctx.state.findChannelMessage(channel, ts);
  if (!parent) return slackError('thread_not_found');
  const metadata = args.include_all_metadata === true || args.include_all_metadata === 'true';
  const thread = ctx.state.channelMessages.filter((m) => m.channelId === channel && !m.deleted && (m === parent || m.threadTs === ts)).sort((a, b) => Number(a.ts) - Number(b.ts));
  return { ok: true, messages: thread.map((m) => messageJson(m, ctx.teamId, { metadata })), has_more: false, response_metadata: { next_cursor: '' } };
};

/** A channel's name is its id in lower case (as the driver names it in commands). */
const conversationsInfo: Handler = (args) => {
  const channel = str(args.channel);
  if (channel === undefined || !isChannelId(channel)) return slackError('channel_not_found');
  return { ok: true, channel: { id: channel, name: channel.toLowerCase(), is_channel: channel.startsWith('C'), is_private: channel.startsWith('G'), is_im: channel.startsWith('D') } };
};

/** Offset of an IANA zone in seconds, as Slack's `tz_offset`; unknown zones count as UTC. */
function tzOffsetSeconds(tz: string, atMs: number): number {
  try {
    const part = new Intl.DateTimeFormat('en-US', { timeZone: tz, timeZoneName: 'longOffset' })
      .formatToParts(atMs).find((p) => p.type === 'timeZoneName')?.value ?? 'GMT';
    const match = /GMT([+-])(\d{2}):(\d{2})/.exec(part);
    if (!match) return 0;
    const seconds = Number(match[2]) * 3600 + Number(match[3]) * 60;
    return match[1] === '-' ? -seconds : seconds;
  } catch {
    return 0;
  }
}

const usersInfo: Handler = (args, ctx) => {
  const id = str(args.user);
  if (id === undefined || !isUserId(id)) return slackError('user_not_found');
  const name = userName(ctx, id);
  const known = ctx.users.get(id);
  const tz = known?.tz ?? 'UTC';
  const teamId = known?.teamId ?? ctx.teamId;
  return {
    ok: true,
    user: {
      id, team_id: teamId, name, deleted: false, real_name: name, tz, tz_label: tz, tz_offset: tzOffsetSeconds(tz, ctx.state.now()),
      is_bot: id === BOT_USER_ID, is_admin: known?.admin === true, is_owner: false, is_app_user: false, updated: Math.floor(ctx.state.now() / 1000),
      is_restricted: known?.restricted === true || known?.ultraRestricted === true, is_ultra_restricted: known?.ultraRestricted === true,
      profile: { real_name: name, display_name: name, email: `${name}@example.test`, team: teamId },
    },
  };
};

const authTest: Handler = (_args, ctx) => ({
  ok: true, url: 'https://test.slack.com/', team: 'Test', user: 'keyops', team_id: ctx.teamId,
  user_id: BOT_USER_ID, bot_id: BOT_ID, is_enterprise_install: false,
});

const usergroupUsers: Handler = (args, ctx) => {
  const members = ctx.usergroups.get(str(args.usergroup) ?? '');
  return members ? { ok: true, users: [...members] } : slackError('no_such_subteam');
};

/** Every known user in one page: enough for a workspace the size tests and the playground make up. */
const usersList: Handler = (_args, ctx) => ({
  ok: true,
  members: [...ctx.users.entries()].map(([id, user]) => ({
    id, team_id: ctx.teamId, name: userName(ctx, id), real_name: userName(ctx, id), deleted: false, is_bot: false,
    is_admin: user.admin === true, is_owner: false, is_restricted: false, is_ultra_restricted: false,
  })),
  response_metadata: { next_cursor: '' },
});

const usergroupsList: Handler = (_args, ctx) => ({
  ok: true,
  usergroups: [...ctx.usergroups.keys()].map((id) => ({ id, team_id: ctx.teamId, handle: id.toLowerCase(), name: id, user_count: ctx.usergroups.get(id)?.length ?? 0 })),
});

export const chatMethods: Record<string, Handler> = {
  'chat.postMessage': postMessage,
  'chat.postEphemeral': postEphemeral,
  'chat.update': update,
  'chat.delete': remove,
  'conversations.open': conversationsOpen,
  'conversations.info': conversationsInfo,
  'conversations.history': conversationsHistory,
  'conversations.replies': conversationsReplies,
  'users.info': usersInfo,
  'auth.test': authTest,
  'usergroups.users.list': usergroupUsers,
  'users.list': usersList,
  'usergroups.list': usergroupsList,
};
