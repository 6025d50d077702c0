/**
 * response_url endpoints with Slack's rules: at most 5 uses, 30-minute life,
 * the same content limits as chat.postMessage, and replace/delete semantics.
 *
 * Bolt's `respond()` posts here. Getting these rules right matters because
 * keyops' "replace the ephemeral message after a click" flows only work in
 * Slack if they stay within them; the fake answers with Slack's plain-text
 * HTTP errors (404 `expired_url` / `used_url`, 400 `invalid_blocks`...).
 */
import { truthy } from './context';
import { randomHex } from './ids';
import { isObj } from './limits';
import type { SlackState } from './state';
import { validateMessage } from './surfaces';
import type { FakeMessage, Obj, ResponseUrlTarget } from './types';

export const RESPONSE_URL_TTL_MS = 30 * 60 * 1000;
export const RESPONSE_URL_MAX_USES = 5;

interface Entry {
  url: string;
  target: ResponseUrlTarget;
  createdAt: number;
  uses: number;
}

export interface ResponseUrlResult {
  status: number;
  body: string;
  /** The request body, parsed when it was JSON. */
  request: unknown;
}

export class ResponseUrls {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly state: SlackState, private readonly baseUrl: string) {}

  create(target: ResponseUrlTarget): string {
    const id = randomHex(32);
    const url = `${this.baseUrl}/response/${id}`;
    this.entries.set(id, { url, target, createdAt: this.state.now(), uses: 0 });
    return url;
  }

  handle(id: string, raw: string): ResponseUrlResult {
    let request: unknown = raw;
    try {
      request = JSON.parse(raw);
    } catch {
      // Kept as the raw string; rejected below as invalid_payload.
    }
    const reply = (status: number, body: string): ResponseUrlResult => ({ status, body, request });
    const entry = this.entries.get(id);
    // Slack cannot tell an unknown url from an expired one, and answers the same.
    if (!entry || this.state.now() - entry.createdAt > RESPONSE_URL_TTL_MS) return reply(404, 'expired_url');
    if (entry.uses >= RESPONSE_URL_MAX_USES) return reply(404, 'used_url');
    if (!isObj(request)) return reply(400, 'invalid_payload');
    const body = request;

    if (truthy(body.delete_original)) {
      const original = this.original(entry);
      if (!original) return reply(404, 'message_not_found');
      this.state.remove(original);
      entry.uses += 1;
      return reply(200, 'ok');
    }
    const invalid = validateMessage(body);
    if (invalid) return reply(400, invalid.error);

    if (truthy(body.replace_original)) {
      const original = this.original(entry);
      if (original) {
        // Replacing swaps the whole message: omitted text/blocks do not survive.
        this.state.edit(original, { text: body.text ?? '', blocks: Array.isArray(body.blocks) ? body.blocks : [] });
        entry.uses += 1;
        return reply(200, 'ok');
      }
      // Nothing to replace yet (a fresh slash command url): Slack posts a new message.
    }
    this.post(entry, body);
    entry.uses += 1;
    return reply(200, 'ok');
  }

  private post(entry: Entry, body: Obj): FakeMessage {
    const { channelId, userId } = entry.target;
    if (body.response_type === 'in_channel') return this.state.postChannel(channelId, body, 'response_url', { responseUrl: entry.url });
    return this.state.postEphemeral(channelId, userId, body, 'response_url', entry.url);
  }

  /**
   * The message replace/delete act on: the clicked message when the url came
   * from an interaction, otherwise the latest message posted through this url
   * (how slash-command responses get replaced).
   */
  private original(entry: Entry): FakeMessage | undefined {
    const { channelId, messageTs, ephemeral } = entry.target;
    if (messageTs !== undefined) {
      return ephemeral ? this.state.findEphemeral(messageTs) : this.state.findChannelMessage(channelId, messageTs);
    }
    const all: FakeMessage[] = [...this.state.ephemerals, ...this.state.channelMessages];
    return all.filter((m) => m.responseUrl === entry.url && !m.deleted).sort((a, b) => (a.ts < b.ts ? -1 : 1)).pop();
  }
}
