/**
 * Plays the Slack side of the Events/Interactivity HTTP contract: sends
 * correctly signed slash commands, button clicks and view submissions into the
 * real Bolt app, and applies what the app acked (ack text, response_action) to
 * the fake, as Slack's client would.
 *
 * Trigger ids and response_urls are minted by the fake, so whatever keyops
 * does with them later (views.open, respond()) is checked against Slack's rules.
 */
import { messageJson } from './chatMethods';
import { APP_ID, TEAM_DOMAIN } from './context';
import type { FakeSlack } from './fakeSlack';
import { type DriverResponse, postRaw, signSlackRequest } from './http';
import { randomAlnum } from './ids';
import { isObj } from './limits';
import { validateMessage } from './surfaces';
import type { FakeMessage, FakeView, Obj } from './types';
import { viewJson } from './viewMethods';
import { applySubmissionAck, buildStateValues } from './viewSubmission';

/** How Slack reaches the app over Socket Mode: one envelope per request, answered by an ack. */
export interface SlackTransport {
  deliver(request: { type: 'slash_commands' | 'interactive' | 'events_api'; payload: Obj; retryNum?: number }): Promise<DriverResponse>;
}

export interface SlackDriverOptions {
  fake: FakeSlack;
  /** The app's Events/Interactivity URL, e.g. http://127.0.0.1:3000/slack/events (unused with a transport). */
  url: string;
  signingSecret: string;
  teamId?: string;
  /** Socket Mode: requests go as envelopes over this instead of signed HTTP POSTs to `url`. */
  transport?: SlackTransport;
}

/** A signed HTTP request as Slack sends it: POST `body` with `headers` to `url`. */
export interface SignedRequest { url: string; body: string; headers: Record<string, string> }

export interface CommandOptions { userId: string; channelId: string; text: string; command?: string; retryNum?: number }
export interface CommandResult extends DriverResponse { responseUrl: string; triggerId: string }

export interface ClickButtonOptions {
  userId: string;
  /** Required for message clicks; ignored for view clicks. */
  channelId?: string;
  actionId: string;
  value?: string;
  blockId?: string;
  /** Visible button label sent in `actions[0].text`; defaults to the action_id. */
  actionText?: string;
  message?: { ts: string; ephemeral?: boolean };
  view?: { id: string; callbackId?: string; privateMetadata?: string };
  retryNum?: number;
}
/** `responseUrl` is absent for clicks inside views: Slack sends none there. */
export interface ClickResult extends DriverResponse { responseUrl?: string; triggerId: string }

export interface SubmitViewOptions { userId: string; view: FakeView; values: Record<string, unknown>; retryNum?: number }
export interface SubmitResult extends DriverResponse {
  triggerId: string;
  /** The answer came after Slack's 3 seconds: Slack showed the user an error and ignored it. */
  late?: boolean;
}

/** Slack waits this long for the answer to a view submission, then shows an error and drops the answer. */
export const VIEW_SUBMISSION_DEADLINE_MS = 3000;

export interface RawOptions {
  body: string;
  contentType?: string;
  /** Unix seconds; default now. */
  timestamp?: number;
  /** Explicit signature; `null` omits both signing headers; undefined signs correctly. */
  signature?: string | null;
}

const VERIFICATION_TOKEN = 'fake-verification-token';

const channelName = (id: string): string => (id.startsWith('D') ? 'directmessage' : id.startsWith('G') ? 'privategroup' : id.toLowerCase());
const actionTs = (): string => (Date.now() / 1000).toFixed(6);

export class SlackDriver {
  private readonly fake: FakeSlack;
  private readonly teamId: string;

  constructor(private readonly options: SlackDriverOptions) {
    this.fake = options.fake;
    this.teamId = options.teamId ?? options.fake.teamId;
  }

  async sendCommand(o: CommandOptions): Promise<CommandResult> {
    const { fields, responseUrl, triggerId } = this.commandFields(o);
    const res = await this.postForm(fields, o.retryNum);
    this.fake.recordAck({ kind: 'command', status: res.status, body: res.body });
    this.applyCommandAck(res, o, responseUrl);
    return { ...res, responseUrl, triggerId };
  }

  /**
   * A slash command as Slack would POST it, signed now, without sending it: for load generators
   * that fire many from another process (bench/acks.ts). The trigger id and response_url are the
   * fake's, as with sendCommand.
   */
  signedCommand(o: CommandOptions): SignedRequest & { responseUrl: string; triggerId: string } {
    const { fields, responseUrl, triggerId } = this.commandFields(o);
    return { ...this.signForm(fields, o.retryNum), responseUrl, triggerId };
  }

  private commandFields(o: CommandOptions): { fields: Record<string, string>; responseUrl: string; triggerId: string } {
    const triggerId = this.fake.issueTriggerId(o.userId);
    const responseUrl = this.fake.createResponseUrl({ channelId: o.channelId, userId: o.userId });
    const fields = {
      token: VERIFICATION_TOKEN, team_id: this.teamId, team_domain: TEAM_DOMAIN, channel_id: o.channelId,
      channel_name: channelName(o.channelId), user_id: o.userId, user_name: this.fake.userName(o.userId),
      command: o.command ?? '/apikey', text: o.text, api_app_id: APP_ID, is_enterprise_install: 'false',
      response_url: responseUrl, trigger_id: triggerId,
    };
    return { fields, responseUrl, triggerId };
  }

  /** Slack shows a slash command's ack body to the user, so it must pass the message rules too. */
  private applyCommandAck(res: DriverResponse, o: CommandOptions, responseUrl: string): void {
    if (res.status !== 200 || res.body.trim() === '') return;
    const content: Obj = isObj(res.json) ? res.json : { text: res.body };
    const invalid = validateMessage(content);
    if (invalid) throw new Error(`Slack would reject the ${o.command ?? '/apikey'} ack: ${JSON.stringify(invalid)}`);
    if (content.response_type === 'in_channel') this.fake.state.postChannel(o.channelId, content, 'ack', { responseUrl });
    else this.fake.state.postEphemeral(o.channelId, o.userId, content, 'ack', responseUrl);
  }

  async clickButton(o: ClickButtonOptions): Promise<ClickResult> {
    const triggerId = this.fake.issueTriggerId(o.userId);
    const payload: Obj = {
      type: 'block_actions', user: this.user(o.userId), api_app_id: APP_ID, token: VERIFICATION_TOKEN, trigger_id: triggerId,
      team: { id: this.teamId, domain: TEAM_DOMAIN }, enterprise: null, is_enterprise_install: false, state: { values: {} },
      actions: [{
        type: 'button', action_id: o.actionId, block_id: o.blockId ?? randomAlnum(5),
        text: { type: 'plain_text', text: o.actionText ?? o.actionId, emoji: true },
        ...(o.value !== undefined && { value: o.value }), action_ts: actionTs(),
      }],
    };
    let responseUrl: string | undefined;
    if (o.view) {
      const recorded = this.fake.view(o.view.id);
      if (recorded?.closed) throw new Error(`clickButton: view ${o.view.id} is closed; the user cannot click in it`);
      payload.container = { type: 'view', view_id: o.view.id };
      payload.view = recorded
        ? viewJson(recorded, this.teamId)
        : { id: o.view.id, type: 'modal', callback_id: o.view.callbackId ?? '', private_metadata: o.view.privateMetadata ?? '', state: { values: {} } };
    } else {
      if (o.channelId === undefined) throw new Error('clickButton: channelId is required for message clicks');
      const { ts, ephemeral = false } = o.message ?? {};
      responseUrl = this.fake.createResponseUrl({ channelId: o.channelId, userId: o.userId, ...(ts !== undefined && { messageTs: ts, ephemeral }) });
      payload.container = { type: 'message', ...(ts !== undefined && { message_ts: ts }), channel_id: o.channelId, is_ephemeral: ephemeral };
      payload.channel = { id: o.channelId, name: channelName(o.channelId) };
      // Slack omits `message` for ephemeral messages (it does not store them); keyops must not rely on it there.
      if (ts !== undefined && !ephemeral) {
        const found = this.fake.state.findChannelMessage(o.channelId, ts);
        payload.message = found ? messageJson(found, this.teamId) : { type: 'message', ts };
      }
      payload.response_url = responseUrl;
    }
    const res = await this.postForm({ payload: JSON.stringify(payload) }, o.retryNum);
    this.fake.recordAck({ kind: 'block_actions', status: res.status, body: res.body });
    return { ...res, ...(responseUrl !== undefined && { responseUrl }), triggerId };
  }

  /** Picks an option in a modal's select whose input block dispatches actions (`dispatch_action`), as Slack sends it. */
  async selectOption(o: { userId: string; view: FakeView; blockId: string; value: string }): Promise<ClickResult> {
    const recorded = this.fake.view(o.view.id);
    if (!recorded || recorded.closed) throw new Error(`selectOption: view ${o.view.id} is not open`);
    const block = recorded.blocks.find((b) => b.block_id === o.blockId);
    const el = block && isObj(block.element) ? block.element : undefined;
    if (!block || !el) throw new Error(`selectOption: no input block ${o.blockId} in view ${o.view.id}`);
    if (block.dispatch_action !== true) throw new Error(`selectOption: block ${o.blockId} does not dispatch actions; Slack would send nothing`);
    const option = (Array.isArray(el.options) ? el.options : []).find((x) => isObj(x) && x.value === o.value);
    if (!option) throw new Error(`selectOption: option "${o.value}" is not offered in ${o.blockId}`);
    const triggerId = this.fake.issueTriggerId(o.userId);
    const payload: Obj = {
      type: 'block_actions', user: this.user(o.userId), api_app_id: APP_ID, token: VERIFICATION_TOKEN, trigger_id: triggerId,
      team: { id: this.teamId, domain: TEAM_DOMAIN }, enterprise: null, is_enterprise_install: false,
      container: { type: 'view', view_id: recorded.id }, view: viewJson(recorded, this.teamId),
      actions: [{ type: el.type, action_id: el.action_id, block_id: o.blockId, selected_option: option, action_ts: actionTs() }],
    };
    const res = await this.postForm({ payload: JSON.stringify(payload) });
    this.fake.recordAck({ kind: 'block_actions', status: res.status, body: res.body });
    return { ...res, triggerId };
  }

  /** Clicks the button a user sees in `message`, found by its label or action_id, with its real ids and value. */
  async clickButtonInMessage(o: { userId: string; message: FakeMessage; actionText?: string; actionId?: string; retryNum?: number }): Promise<ClickResult> {
    if (o.actionText === undefined && o.actionId === undefined) throw new Error('clickButtonInMessage: give actionText or actionId');
    if (o.message.deleted) throw new Error(`clickButtonInMessage: message ${o.message.ts} was deleted`);
    const buttons = o.message.blocks.flatMap((block) => {
      const elements = block.type === 'actions' && Array.isArray(block.elements) ? block.elements : block.type === 'section' ? [block.accessory] : [];
      return elements.filter((el): el is Obj => isObj(el) && el.type === 'button').map((button) => ({ block, button }));
    });
    const label = (b: Obj): string | undefined => (isObj(b.text) && typeof b.text.text === 'string' ? b.text.text : undefined);
    const hit = buttons.find(({ button }) => (o.actionId === undefined || button.action_id === o.actionId) && (o.actionText === undefined || label(button) === o.actionText));
    if (!hit) {
      const seen = buttons.map(({ button }) => `"${label(button) ?? '?'}" (${String(button.action_id)})`).join(', ') || 'none';
      throw new Error(`clickButtonInMessage: no button ${o.actionText ?? o.actionId} in message ${o.message.ts}; buttons: ${seen}`);
    }
    const { block, button } = hit;
    return this.clickButton({
      userId: o.userId, channelId: o.message.channelId, actionId: String(button.action_id), actionText: label(button) ?? String(button.action_id),
      ...(typeof button.value === 'string' && { value: button.value }), ...(typeof block.block_id === 'string' && { blockId: block.block_id }),
      message: { ts: o.message.ts, ephemeral: o.message.kind === 'ephemeral' }, ...(o.retryNum !== undefined && { retryNum: o.retryNum }),
    });
  }

  /** Submits the user's open modal with `values` keyed by input block_id, then applies the ack's response_action. */
  async submitView(o: SubmitViewOptions): Promise<SubmitResult> {
    const view = this.fake.view(o.view.id);
    if (!view || view.type !== 'modal') throw new Error(`submitView: no modal ${o.view.id} in the fake`);
    if (view.userId !== o.userId) throw new Error(`submitView: view ${view.id} belongs to ${view.userId}, not ${o.userId}`);
    if (this.fake.openViewFor(o.userId)?.id !== view.id) throw new Error(`submitView: view ${view.id} is not the user's open (top) modal`);
    if (view.view.submit === undefined) throw new Error(`submitView: view ${view.id} has no submit button`);
    const values = buildStateValues(view, o.values);
    const triggerId = this.fake.issueTriggerId(o.userId);
    const payload = {
      type: 'view_submission', team: { id: this.teamId, domain: TEAM_DOMAIN }, user: this.user(o.userId), api_app_id: APP_ID,
      token: VERIFICATION_TOKEN, trigger_id: triggerId, view: viewJson(view, this.teamId, values), response_urls: [],
      is_enterprise_install: false, enterprise: null,
    };
    const sentAt = Date.now();
    const res = await this.postForm({ payload: JSON.stringify(payload) }, o.retryNum);
    this.fake.recordAck({ kind: 'view_submission', status: res.status, body: res.body });
    // As Slack does: a late answer is not applied; the modal stays open with a connection error.
    if (Date.now() - sentAt > VIEW_SUBMISSION_DEADLINE_MS) return { ...res, triggerId, late: true };
    applySubmissionAck(this.fake, view, res.status, res.body, res.json);
    return { ...res, triggerId };
  }

  /**
   * Delivers an Events API event (JSON, signed), e.g. `app_home_opened` when the user opens the
   * app's Home tab, with the Home view they currently see as Slack would include it.
   */
  async sendEvent(o: { event: Obj; retryNum?: number }): Promise<DriverResponse> {
    const event: Obj = { event_ts: actionTs(), ...o.event };
    if (event.type === 'app_home_opened' && event.tab === 'home' && typeof event.user === 'string') {
      const home = this.fake.homeViewFor(event.user);
      if (home) event.view = viewJson(home, this.teamId);
    }
    const envelope: Obj = {
      token: VERIFICATION_TOKEN, team_id: this.teamId, api_app_id: APP_ID, event, type: 'event_callback',
      event_id: `Ev${randomAlnum(10)}`, event_time: Math.floor(Date.now() / 1000), authorizations: [{ team_id: this.teamId, user_id: 'U0BOT', is_bot: true }],
    };
    if (this.options.transport) {
      const res = await this.options.transport.deliver({ type: 'events_api', payload: envelope, ...(o.retryNum !== undefined && { retryNum: o.retryNum }) });
      this.fake.recordAck({ kind: 'raw', status: res.status, body: res.body });
      return res;
    }
    const body = JSON.stringify(envelope);
    const timestamp = Math.floor(Date.now() / 1000);
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      'x-slack-request-timestamp': String(timestamp),
      'x-slack-signature': signSlackRequest(this.options.signingSecret, body, timestamp),
    };
    if (o.retryNum !== undefined) {
      headers['x-slack-retry-num'] = String(o.retryNum);
      headers['x-slack-retry-reason'] = 'http_timeout';
    }
    const res = await postRaw(this.options.url, body, headers);
    this.fake.recordAck({ kind: 'raw', status: res.status, body: res.body });
    return res;
  }

  /** Sends an arbitrary body, for signature and malformed-request tests. */
  async sendRaw(o: RawOptions): Promise<DriverResponse> {
    const timestamp = o.timestamp ?? Math.floor(Date.now() / 1000);
    const headers: Record<string, string> = { 'content-type': o.contentType ?? 'application/x-www-form-urlencoded' };
    if (o.signature !== null) {
      headers['x-slack-request-timestamp'] = String(timestamp);
      headers['x-slack-signature'] = o.signature ?? signSlackRequest(this.options.signingSecret, o.body, timestamp);
    }
    const res = await postRaw(this.options.url, o.body, headers);
    this.fake.recordAck({ kind: 'raw', status: res.status, body: res.body });
    return res;
  }

  private user(userId: string): Obj {
    const name = this.fake.userName(userId);
    return { id: userId, username: name, name, team_id: this.teamId };
  }

  private postForm(fields: Record<string, string>, retryNum?: number): Promise<DriverResponse> {
    const { transport } = this.options;
    if (transport) {
      // Over a socket the same request is the envelope's payload: interactions as JSON, commands as their fields.
      const request = fields.payload !== undefined
        ? { type: 'interactive' as const, payload: JSON.parse(fields.payload) as Obj }
        : { type: 'slash_commands' as const, payload: fields as Obj };
      return transport.deliver({ ...request, ...(retryNum !== undefined && { retryNum }) });
    }
    const { url, body, headers } = this.signForm(fields, retryNum);
    return postRaw(url, body, headers);
  }

  private signForm(fields: Record<string, string>, retryNum?: number): SignedRequest {
    const body = new URLSearchParams(fields).toString();
    const timestamp = Math.floor(Date.now() / 1000);
    const headers: Record<string, string> = {
      'content-type': 'application/x-www-form-urlencoded',
      'user-agent': 'Slackbot 1.0 (+https://api.slack.com/robots)',
      'x-slack-request-timestamp': String(timestamp),
      'x-slack-signature': signSlackRequest(this.options.signingSecret, body, timestamp),
    };
    if (retryNum !== undefined) {
      headers['x-slack-retry-num'] = String(retryNum);
      headers['x-slack-retry-reason'] = 'http_timeout';
    }
    return { url: this.options.url, body, headers };
  }
}

export function createSlackDriver(options: SlackDriverOptions): SlackDriver {
  return new SlackDriver(options);
}
