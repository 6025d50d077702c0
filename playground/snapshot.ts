/**
 * What one persona sees in the stand-in right now: the conversations they are in (channel
 * messages, their own ephemeral ones, their direct messages with keyops), the modal on top of
 * their stack and their App Home. Slack never shows a person someone else's ephemeral message,
 * DM or modal, and neither does the page.
 */
import { dmChannelFor } from './slack/ids';
import type { FakeMessage, FakeSlack, FakeView, Obj } from './slack';

/** The channel the playground's people share, where they type `/apikey …`. */
export const DEMO_CHANNEL = { id: 'C0KEYOPSDEMO', name: 'keyops-demo' };

export interface MessageSnapshot {
  ts: string;
  text: string;
  blocks: Obj[];
  ephemeral: boolean;
  edited: boolean;
  threadTs?: string;
}

export interface ConversationSnapshot {
  id: string;
  name: string;
  kind: 'channel' | 'app';
  messages: MessageSnapshot[];
}

export interface ViewSnapshot {
  id: string;
  title: string;
  submit: string | null;
  close: string | null;
  blocks: Obj[];
  errors: Record<string, string>;
}

export interface PersonaSnapshot {
  conversations: ConversationSnapshot[];
  modal: ViewSnapshot | null;
  home: { id: string; blocks: Obj[] } | null;
}

function messageSnapshot(m: FakeMessage): MessageSnapshot {
  return {
    ts: m.ts, text: m.text, blocks: m.blocks, ephemeral: m.kind === 'ephemeral', edited: m.history.length > 1,
    ...(m.kind === 'channel' && m.threadTs !== undefined && { threadTs: m.threadTs }),
  };
}

const plain = (text: unknown): string | null => (typeof text === 'object' && text !== null && typeof (text as Obj).text === 'string' ? String((text as Obj).text) : null);

function viewSnapshot(v: FakeView): ViewSnapshot {
  return { id: v.id, title: plain(v.view.title) ?? '', submit: plain(v.view.submit), close: plain(v.view.close), blocks: v.blocks, errors: v.errors ?? {} };
}

function conversation(fake: FakeSlack, userId: string, id: string, name: string, kind: ConversationSnapshot['kind']): ConversationSnapshot {
  const messages: FakeMessage[] = [...fake.messages({ channelId: id }), ...fake.ephemeralMessages({ userId, channelId: id })];
  messages.sort((a, b) => (a.ts < b.ts ? -1 : 1));
  return { id, name, kind, messages: messages.map(messageSnapshot) };
}

export function snapshotFor(fake: FakeSlack, userId: string): PersonaSnapshot {
  // Other channels keyops posts in (an approval or leak channel from the policy) appear as keyops posts to them.
  const others = [...new Set(fake.messages().map((m) => m.channelId))].filter((id) => id !== DEMO_CHANNEL.id && !id.startsWith('D'));
  const modal = fake.openViewFor(userId);
  const home = fake.homeViewFor(userId);
  return {
    conversations: [
      conversation(fake, userId, DEMO_CHANNEL.id, DEMO_CHANNEL.name, 'channel'),
      ...others.map((id) => conversation(fake, userId, id, id.toLowerCase(), 'channel')),
      conversation(fake, userId, dmChannelFor(userId), 'keyops', 'app'),
    ],
    modal: modal && !modal.closed ? viewSnapshot(modal) : null,
    home: home ? { id: home.id, blocks: home.blocks } : null,
  };
}
