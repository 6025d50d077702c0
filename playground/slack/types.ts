/**
 * Shapes shared by the fake Slack's server, state and driver.
 *
 * They live in one dependency-free file so tests can import the types without
 * pulling in the HTTP server, and so the recorded state reads like Slack's own
 * objects (snake_case where Slack sends snake_case, camelCase for fake-only bookkeeping).
 */

/** A loosely typed JSON object: the fake stores exactly what keyops sent, so it cannot be narrower. */
export type Obj = Record<string, unknown>;

/**
 * Slack's error envelope (`ok:false`), as returned by the Web API.
 * A type alias (not an interface) so it is assignable to `Obj` for handlers.
 */
export type SlackError = {
  ok: false;
  error: string;
  response_metadata?: { messages: string[] };
};

export interface FakeUser {
  name?: string;
  tz?: string;
  /** A workspace admin (`is_admin` in users.info and users.list). */
  admin?: boolean;
  /** A guest: multi-channel (restricted) or single-channel (ultra-restricted), as users.info says. */
  restricted?: boolean;
  ultraRestricted?: boolean;
  /** Another workspace's member (Slack Connect); default the fake's own team. */
  teamId?: string;
}

export interface FakeSlackOptions {
  /** Token keyops must present; anything else is `invalid_auth`. Default `xoxb-test-token`. */
  botToken?: string;
  /** App-level token for `apps.connections.open` (Socket Mode). Default `xapp-1-test-token`. */
  appToken?: string;
  /** Default `T0TEST`. */
  teamId?: string;
  /** Users `users.info` knows by name/tz; other well-formed user ids get synthesized defaults. */
  users?: Record<string, FakeUser>;
  /** Usergroup id → member user ids, for `usergroups.users.list` (and `usergroups.list`, handle = id). */
  usergroups?: Record<string, string[]>;
}

export interface RecordedCall {
  method: string;
  /** Arguments as keyops meant them: form fields with nested JSON strings parsed back. */
  args: Obj;
  /** Fake-clock time of the call (ms). */
  at: number;
  response: unknown;
}

export interface RecordedResponse {
  url: string;
  /** Parsed JSON body, or the raw string when it was not JSON. */
  body: unknown;
  at: number;
  status: number;
}

/** What keyops put in an HTTP ack (slash command text, view_submission response_action...). */
export interface RecordedAck {
  kind: 'command' | 'block_actions' | 'view_submission' | 'raw';
  status: number;
  body: string;
  at: number;
}

export interface MessageVersion {
  text: string;
  blocks: Obj[];
  at: number;
}

/** How a message reached Slack: Web API, response_url or an HTTP ack body. */
export type PostedVia = 'api' | 'response_url' | 'ack';

interface MessageBase {
  /** Same as `ts`; lets tests treat channel and ephemeral messages alike. */
  id: string;
  ts: string;
  channelId: string;
  text: string;
  blocks: Obj[];
  /** Every version, oldest first; the last entry is the current content. */
  history: MessageVersion[];
  deleted: boolean;
  postedVia: PostedVia;
  /** The response_url that created it, if any. */
  responseUrl?: string;
}

export interface ChannelMessage extends MessageBase {
  kind: 'channel';
  threadTs?: string;
  /** chat.postMessage's `metadata` (event_type, event_payload), returned by history reads that ask for it. */
  metadata?: Obj;
}

export interface EphemeralMessage extends MessageBase {
  kind: 'ephemeral';
  userId: string;
}

export type FakeMessage = ChannelMessage | EphemeralMessage;

export interface FakeView {
  id: string;
  /** Changes on every update, like Slack's; `views.update` with a stale hash is `hash_conflict`. */
  hash: string;
  userId: string;
  type: 'modal' | 'home';
  callbackId?: string;
  privateMetadata?: string;
  externalId?: string;
  blocks: Obj[];
  /** The latest view payload exactly as keyops sent it. */
  view: Obj;
  /** Every payload version, oldest first; the last entry equals `view`. */
  history: Obj[];
  rootViewId: string;
  previousViewId: string | null;
  /** True once the modal left the user's stack (submitted, cleared or replaced by views.open). */
  closed: boolean;
  /** The last submission's `response_action: errors` (block_id → message), shown under the inputs until the view changes. */
  errors?: Record<string, string>;
}

export interface ResponseUrlTarget {
  channelId: string;
  userId: string;
  /** The message the interaction came from; `replace_original` / `delete_original` act on it. */
  messageTs?: string;
  ephemeral?: boolean;
}
