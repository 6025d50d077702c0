/**
 * What of a `message` event may hold a pasted key: its text (code blocks and links included: Slack
 * sends them in `text`, links as <url|label>), its attachments' texts and links, and for an edit
 * (`message_changed`) the new text minus what the previous version already held, so editing a
 * message that was handled does not report it again.
 *
 * Read with plain type checks rather than a zod parse: this runs for every message in every
 * conversation keyops is in, almost none of which holds a key. The event is parsed with zod
 * (below) only once a key was found.
 */
import { z } from 'zod';
import type { KeyScanner } from '../../domain/keyScan';
import type { SlackConversationType } from '../../domain/leak';

export interface MessageTexts {
  texts: string[];
  /** Texts of the previous version (edits only): keys seen there were handled then. */
  previous: string[];
}

type Loose = Record<string, unknown>;
const isObj = (v: unknown): v is Loose => typeof v === 'object' && v !== null;

/** Null for messages no person wrote: bots (keyops included), deletions, channel joins. */
export function messageTexts(event: Loose): MessageTexts | null {
  if (event.subtype === 'message_changed') {
    const current = event.message;
    if (!isObj(current) || isFromBot(current)) return null;
    return { texts: textsOf(current), previous: isObj(event.previous_message) ? textsOf(event.previous_message) : [] };
  }
  if (isFromBot(event) || event.subtype === 'message_deleted' || typeof event.user !== 'string') return null;
  return { texts: textsOf(event), previous: [] };
}

/**
 * The keys a message brings (for an edit, those its previous version did not hold): all the work
 * the listener does for a message without a key, measured per message by `npm run bench -- leaks`.
 * The previous version is scanned only once the new one holds a key.
 */
export function findPastedKeys(scanner: KeyScanner, event: Loose): string[] {
  const found = messageTexts(event);
  if (!found) return [];
  const keys = scanner.findKeys(found.texts);
  if (keys.length === 0 || found.previous.length === 0) return keys;
  const before = new Set(scanner.findKeys(found.previous));
  return keys.filter((key) => !before.has(key));
}

function isFromBot(message: Loose): boolean {
  return message.subtype === 'bot_message' || typeof message.bot_id === 'string' || isObj(message.bot_profile);
}

function textsOf(message: Loose): string[] {
  const texts = typeof message.text === 'string' ? [message.text] : [];
  if (!Array.isArray(message.attachments)) return texts;
  for (const attachment of message.attachments) {
    if (!isObj(attachment)) continue;
    for (const field of ['text', 'fallback', 'pretext', 'title', 'title_link', 'from_url', 'original_url']) {
      const value = attachment[field];
      if (typeof value === 'string') texts.push(value);
    }
  }
  return texts;
}

const conversationType = z.enum(['channel', 'group', 'im', 'mpim']);
const author = z.object({ user: z.string().regex(/^[UW][A-Z0-9]+$/), ts: z.string().regex(/^\d+\.\d+$/) });
const sightingSchema = z.union([
  z.object({ subtype: z.literal('message_changed'), channel: z.string().regex(/^[CGD][A-Z0-9]+$/), channel_type: conversationType.optional(), message: author }),
  author.extend({ channel: z.string().regex(/^[CGD][A-Z0-9]+$/), channel_type: conversationType.optional() }),
]);

export interface Sighting {
  channelId: string;
  channelType: SlackConversationType;
  userId: string;
  /** The message's own ts (for an edit, the edited message's). */
  messageTs: string;
}

export function parseSighting(event: unknown): Sighting | null {
  const parsed = sightingSchema.safeParse(event);
  if (!parsed.success) return null;
  const e = parsed.data;
  const { user, ts } = 'message' in e ? e.message : e;
  const channelType = e.channel_type ?? (e.channel.startsWith('D') ? 'im' : e.channel.startsWith('G') ? 'group' : 'channel');
  return { channelId: e.channel, channelType, userId: user, messageTs: ts };
}
