/**
 * The FakeSlack object tests hold: dispatches Web API calls, records everything
 * keyops sent, and exposes the resulting Slack state for assertions.
 *
 * It is transport-free (server.ts feeds it parsed requests) so the recording,
 * auth and failure-injection rules are in one place regardless of how a
 * request arrived.
 */
import { chatMethods } from './chatMethods';
import { SlackFaults } from './faults';
import { type ApiContext, type Handler, slackError, userName } from './context';
import { ResponseUrls } from './responseUrls';
import { SlackState } from './state';
import type {
  ChannelMessage, EphemeralMessage, FakeSlackOptions, FakeUser, FakeView, Obj, RecordedAck, RecordedCall, RecordedResponse, ResponseUrlTarget,
} from './types';
import { viewMethods } from './viewMethods';

const METHODS: Record<string, Handler> = { ...chatMethods, ...viewMethods };

export interface ApiReply {
  status: number;
  body: Obj;
  headers?: Record<string, string>;
}

export class FakeSlack {
  readonly botToken: string;
  readonly appToken: string;
  readonly teamId: string;
  /** `http://127.0.0.1:<port>/api/`: the trailing slash is what @slack/web-api expects. */
  readonly apiUrl: string;
  readonly calls: RecordedCall[] = [];
  readonly responses: RecordedResponse[] = [];
  readonly acks: RecordedAck[] = [];
  readonly state = new SlackState();
  /** HTTP-level faults (5xx, 429, expired response_urls, hangs): see faults.ts. */
  readonly faults = new SlackFaults();
  private readonly ctx: ApiContext;
  private readonly responseUrls: ResponseUrls;
  private readonly failures = new Map<string, Array<{ error: string; remaining: number }>>();
  private socketModeUrl: (() => string) | null = null;

  constructor(readonly baseUrl: string, options: FakeSlackOptions, private readonly stop: () => Promise<void>) {
    this.botToken = options.botToken ?? 'xoxb-test-token';
    this.appToken = options.appToken ?? 'xapp-1-test-token';
    this.teamId = options.teamId ?? 'T0TEST';
    this.apiUrl = `${baseUrl}/api/`;
    this.responseUrls = new ResponseUrls(this.state, baseUrl);
    this.ctx = {
      state: this.state, teamId: this.teamId,
      users: new Map(Object.entries(options.users ?? {})), usergroups: new Map(Object.entries(options.usergroups ?? {})),
    };
  }

  // ---- Web API ----------------------------------------------------------------

  /** Handles one Web API call; `token` is the bearer token or the `token` form field. */
  handleApiCall(method: string, args: Obj, token: string | undefined): ApiReply {
    const reply = this.dispatch(method, args, token);
    // The token is transport, not content: keeping it out of args keeps allText() about what keyops said.
    const recordedArgs = { ...args };
    delete recordedArgs.token;
    this.calls.push({ method, args: recordedArgs, at: this.state.now(), response: reply.body });
    return reply;
  }

  private dispatch(method: string, args: Obj, token: string | undefined): ApiReply {
    const queue = this.failures.get(method);
    const injected = queue?.[0];
    if (queue && injected) {
      injected.remaining -= 1;
      if (injected.remaining <= 0) queue.shift();
      // Slack signals rate limits with HTTP 429 + Retry-After, which web-api handles specially.
      if (injected.error === 'ratelimited') return { status: 429, body: slackError('ratelimited'), headers: { 'retry-after': '1' } };
      return { status: 200, body: slackError(injected.error) };
    }
    if (token === undefined || token === '') return { status: 200, body: slackError('not_authed') };
    // Slack keeps the two kinds of token apart: the app token opens sockets and does nothing else.
    if (method === 'apps.connections.open') return { status: 200, body: this.openConnection(token) };
    if (token === this.appToken) return { status: 200, body: slackError('not_allowed_token_type') };
    if (token !== this.botToken) return { status: 200, body: slackError('invalid_auth') };
    const handler = METHODS[method];
    if (!handler) return { status: 200, body: slackError('unknown_method') };
    return { status: 200, body: handler(args, this.ctx) };
  }

  private openConnection(token: string): Obj {
    if (token === this.botToken) return slackError('not_allowed_token_type');
    if (token !== this.appToken) return slackError('invalid_auth');
    if (!this.socketModeUrl) return slackError('internal_error');
    return { ok: true, url: this.socketModeUrl() };
  }

  /** Socket Mode: `apps.connections.open` answers with the URLs this gives out (one per call, like Slack's tickets). */
  useSocketMode(url: () => string): void {
    this.socketModeUrl = url;
  }

  callsTo(method: string): RecordedCall[] {
    return this.calls.filter((c) => c.method === method);
  }

  /** Makes the next `times` calls to `method` fail with `error` (`ratelimited` answers HTTP 429). */
  failNext(method: string, error: string, times = 1): void {
    const queue = this.failures.get(method) ?? [];
    queue.push({ error, remaining: times });
    this.failures.set(method, queue);
  }

  // ---- response_url, triggers, clock -------------------------------------------

  createResponseUrl(target: ResponseUrlTarget): string {
    return this.responseUrls.create(target);
  }

  handleResponseUrl(id: string, url: string, raw: string): { status: number; body: string } {
    const result = this.responseUrls.handle(id, raw);
    this.responses.push({ url, body: result.request, at: this.state.now(), status: result.status });
    return result;
  }

  /** Issues a trigger_id bound to `userId`, valid for 3 s of fake-clock time and usable once. */
  issueTriggerId(userId: string): string {
    return this.state.issueTrigger(userId);
  }

  /** Moves the fake's clock (trigger and response_url expiry); real time keeps flowing too. */
  advanceClock(ms: number): void {
    this.state.advanceClock(ms);
  }

  now(): number {
    return this.state.now();
  }

  recordAck(ack: Omit<RecordedAck, 'at'>): void {
    this.acks.push({ ...ack, at: this.state.now() });
  }

  // ---- inspection ----------------------------------------------------------------

  /** Channel (non-ephemeral) messages in post order; live objects that reflect later edits. */
  messages(options: { channelId?: string; includeDeleted?: boolean } = {}): ChannelMessage[] {
    return this.state.channelMessages.filter(
      (m) => (options.channelId === undefined || m.channelId === options.channelId) && (options.includeDeleted || !m.deleted),
    );
  }

  ephemeralMessages(options: { userId?: string; channelId?: string; includeDeleted?: boolean } = {}): EphemeralMessage[] {
    return this.state.ephemerals.filter(
      (m) => (options.userId === undefined || m.userId === options.userId)
        && (options.channelId === undefined || m.channelId === options.channelId)
        && (options.includeDeleted || !m.deleted),
    );
  }

  /** The modal on top of the user's stack, i.e. the one they would submit next. */
  openViewFor(userId: string): FakeView | undefined {
    return this.state.topModal(userId);
  }

  homeViewFor(userId: string): FakeView | undefined {
    return this.state.homeView(userId);
  }

  view(id: string): FakeView | undefined {
    return this.state.views.get(id);
  }

  userName(userId: string): string {
    return userName(this.ctx, userId);
  }

  addUser(userId: string, user: FakeUser): void {
    this.ctx.users.set(userId, user);
  }

  setUsergroup(usergroupId: string, userIds: string[]): void {
    this.ctx.usergroups.set(usergroupId, [...userIds]);
  }

  /** Everything keyops sent to Slack (Web API args, response_url bodies, ack bodies), for leak checks. */
  allText(): string {
    return [
      ...this.calls.map((c) => JSON.stringify(c.args)),
      ...this.responses.map((r) => (typeof r.body === 'string' ? r.body : JSON.stringify(r.body))),
      ...this.acks.map((a) => a.body),
    ].join('\n');
  }

  /** Polls every 10 ms until `predicate` returns something truthy; exceptions count as "not yet". */
  async waitFor<T>(predicate: () => T | undefined | null | false, options: { timeoutMs?: number } = {}): Promise<T> {
    const timeoutMs = options.timeoutMs ?? 15_000;
    const deadline = Date.now() + timeoutMs; // real time: the fake clock may have been moved
    let lastError: unknown;
    for (;;) {
      try {
        const value = predicate();
        if (value) return value;
      } catch (error) {
        lastError = error;
      }
      if (Date.now() >= deadline) {
        const recent = this.calls.slice(-10).map((c) => c.method).join(', ') || '(none)';
        const cause = lastError instanceof Error ? `; last predicate error: ${lastError.message}` : '';
        throw new Error(`waitFor timed out after ${timeoutMs} ms; last Slack calls: ${recent}; response_url uses: ${this.responses.length}${cause}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  close(): Promise<void> {
    return this.stop();
  }
}
