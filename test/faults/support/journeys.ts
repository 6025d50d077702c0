/**
 * The journeys faults are injected into, played as a person would through the fake Slack:
 * /apikey new and its modal, the Reveal click, an admin's revocation from /apikey revoke.
 */
import { NewKeyBlocks, RevokeBlocks } from '../../../bot/ids';
import { lifetimeBlockId } from '../../../bot/views/newKeyModal';
import type { FakeMessage, FakeView } from '../../../playground/slack';
import type { FaultStack } from './faultStack';

/** What the journeys use of a stack: Slack's side only (the container build check plays them too). */
export type SlackSide = Pick<FaultStack, 'fake' | 'driver'>;

export const CHANNEL = 'C0FAULTS';
export const KEY_TEXT = /ko_(?:test|stg|live)_[0-9A-Za-z]{26}_[0-9A-Za-z]{6}/g;

/** /apikey new, filled and submitted; resolves with the submission's HTTP outcome (killed bots answer nothing). */
export async function submitNewKey(s: SlackSide, userId: string, o: { name?: string; environment?: string; modalTimeoutMs?: number } = {}): Promise<{ acked: boolean }> {
  const environment = o.environment ?? 'test';
  let view = await openModal(s, userId, 'new', o.modalTimeoutMs);
  if (!JSON.stringify(view.blocks).includes(lifetimeBlockId(environment))) {
    await s.driver.selectOption({ userId, view, blockId: NewKeyBlocks.environment, value: environment });
    view = await s.fake.waitFor(() => {
      const v = s.fake.openViewFor(userId);
      return v && JSON.stringify(v.blocks).includes(lifetimeBlockId(environment)) ? v : undefined;
    }, { timeoutMs: o.modalTimeoutMs ?? 30_000 });
  }
  const lifetime = environment === 'production' ? '90d' : '30d';
  const values = {
    [NewKeyBlocks.name]: o.name ?? `Service of ${userId}`,
    [NewKeyBlocks.environment]: environment,
    [NewKeyBlocks.scopes]: ['read'],
    [lifetimeBlockId(environment)]: lifetime,
    [NewKeyBlocks.reason]: 'Fault injection',
  };
  try {
    const res = await s.driver.submitView({ userId, view, values });
    return { acked: res.status === 200 };
  } catch {
    // The process serving Slack died before it answered: Slack shows the person an error.
    return { acked: false };
  }
}

/**
 * Types the command until its modal opens, as a person would: a process just restarted on a loaded
 * machine can miss Slack's 3-second trigger, and keyops then asks them to try again.
 */
async function openModal(s: SlackSide, userId: string, text: string, timeoutMs = 30_000): Promise<FakeView> {
  for (let attempt = 1; ; attempt++) {
    // A modal left open by an earlier attempt (or a killed bot) is closed first.
    s.fake.state.clearModals(userId);
    await s.driver.sendCommand({ userId, channelId: CHANNEL, text });
    const open = (): FakeView | undefined => {
      const v = s.fake.openViewFor(userId);
      return v && !v.closed ? v : undefined;
    };
    const view = await s.fake.waitFor(open, { timeoutMs: Math.min(timeoutMs, 15_000) }).catch(() => undefined);
    if (view) return view;
    if (attempt * 15_000 >= timeoutMs) throw new Error(`${userId}: /apikey ${text} opened no modal`);
  }
}

export function findOffer(s: SlackSide, userId: string): FakeMessage | undefined {
  return s.fake.ephemeralMessages({ userId }).find((m) => m.text.includes('Reveal it once'));
}

export function waitForOffer(s: SlackSide, userId: string, timeoutMs = 60_000): Promise<FakeMessage> {
  return s.fake.waitFor(() => findOffer(s, userId), { timeoutMs });
}

/** Clicks Reveal key; a click whose process died before answering counts as sent (Slack delivered it). */
export async function clickReveal(s: SlackSide, userId: string, offer: FakeMessage): Promise<void> {
  await s.driver.clickButtonInMessage({ userId, message: offer, actionText: 'Reveal key' }).catch(() => undefined);
}

/** Resolves with the moment the user's screen showed a key (real ms), waiting up to timeoutMs. */
export async function waitForShownKey(s: SlackSide, userId: string, timeoutMs = 60_000): Promise<number> {
  return s.fake.waitFor(() => shownKeys(s, userId)[0]?.shownAt, { timeoutMs });
}

export interface ShownKey {
  key: string;
  messageId: string;
  shownAt: number;
  /** When the message stopped showing it (replaced or deleted), or null while on screen. */
  hiddenAt: number | null;
}

/** Every key the user's Slack showed, from every version of every message they could see. */
export function shownKeys(s: SlackSide, userId: string): ShownKey[] {
  const shown: ShownKey[] = [];
  const messages: FakeMessage[] = [...s.fake.ephemeralMessages({ userId, includeDeleted: true }), ...s.fake.messages({ includeDeleted: true }).filter((m) => m.channelId === `D${userId.slice(1)}`)];
  for (const m of messages) {
    m.history.forEach((version, i) => {
      const text = `${version.text}\n${JSON.stringify(version.blocks ?? [])}`;
      for (const key of new Set(text.match(KEY_TEXT) ?? [])) {
        if (shown.some((k) => k.key === key && k.messageId === m.id)) continue;
        const later = m.history.slice(i + 1).find((v) => !`${v.text}\n${JSON.stringify(v.blocks ?? [])}`.includes(key));
        shown.push({ key, messageId: m.id, shownAt: version.at, hiddenAt: later?.at ?? null });
      }
    });
  }
  return shown;
}

/** An admin revokes a key by its id through /apikey revoke and the confirmation modal. */
export async function revokeAsAdmin(s: SlackSide, keyId: string, adminId = 'U0ADMIN'): Promise<void> {
  const view = await openModal(s, adminId, `revoke ${keyId}`, 45_000);
  const res = await s.driver.submitView({ userId: adminId, view, values: { [RevokeBlocks.reason]: 'fault injection' } });
  if (res.status !== 200 || JSON.stringify(res.json ?? {}).includes('"errors"')) throw new Error(`the revocation was refused: ${res.status} ${res.body}`);
}
