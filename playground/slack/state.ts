/**
 * What Slack would "remember": messages, ephemeral messages, views, trigger ids,
 * plus a movable clock.
 *
 * The Web API handlers, response_url handler and driver all mutate this one
 * object, so a test sees the same world whichever path keyops used (Web API,
 * respond(), or an ack body). The clock is a real clock plus an offset: tests
 * move it forward to expire trigger ids and response_urls without sleeping.
 */
import { TsFactory, triggerId, viewHash, viewId } from './ids';
import { contentOf } from './surfaces';
import type { ChannelMessage, EphemeralMessage, FakeMessage, FakeView, Obj, PostedVia, SlackError } from './types';

/** Slack's documented trigger_id lifetime. */
export const TRIGGER_TTL_MS = 3000;
/** Slack allows the root modal plus two pushed ones. */
export const MAX_MODAL_STACK = 3;

interface Trigger {
  userId: string;
  issuedAt: number;
  used: boolean;
}

export class SlackState {
  readonly channelMessages: ChannelMessage[] = [];
  readonly ephemerals: EphemeralMessage[] = [];
  readonly views = new Map<string, FakeView>();
  private readonly modalStacks = new Map<string, string[]>();
  private readonly homeViews = new Map<string, string>();
  private readonly triggers = new Map<string, Trigger>();
  private readonly tsFactory = new TsFactory();
  private clockOffset = 0;
  private readonly listeners = new Set<() => void>();

  /** Called after every change a user could see (messages, modals, Home): the playground's live updates. */
  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private changed(): void {
    for (const listener of this.listeners) listener();
  }

  now(): number {
    return Date.now() + this.clockOffset;
  }

  advanceClock(ms: number): void {
    this.clockOffset += ms;
  }

  // ---- messages -------------------------------------------------------------

  postChannel(channelId: string, source: Obj, via: PostedVia, extra: { threadTs?: string; responseUrl?: string; metadata?: Obj } = {}): ChannelMessage {
    const ts = this.tsFactory.next(this.now());
    const content = contentOf(source);
    const message: ChannelMessage = {
      kind: 'channel', id: ts, ts, channelId, ...content, history: [{ ...content, at: this.now() }], deleted: false, postedVia: via,
      ...(extra.threadTs !== undefined && { threadTs: extra.threadTs }),
      ...(extra.responseUrl !== undefined && { responseUrl: extra.responseUrl }),
      ...(extra.metadata !== undefined && { metadata: extra.metadata }),
    };
    this.channelMessages.push(message);
    this.changed();
    return message;
  }

  postEphemeral(channelId: string, userId: string, source: Obj, via: PostedVia, responseUrl?: string): EphemeralMessage {
    const ts = this.tsFactory.next(this.now());
    const content = contentOf(source);
    const message: EphemeralMessage = {
      kind: 'ephemeral', id: ts, ts, channelId, userId, ...content, history: [{ ...content, at: this.now() }], deleted: false, postedVia: via,
      ...(responseUrl !== undefined && { responseUrl }),
    };
    this.ephemerals.push(message);
    this.changed();
    return message;
  }

  findChannelMessage(channelId: string, ts: string): ChannelMessage | undefined {
    return this.channelMessages.find((m) => m.ts === ts && m.channelId === channelId && !m.deleted);
  }

  findEphemeral(id: string): EphemeralMessage | undefined {
    return this.ephemerals.find((m) => m.id === id && !m.deleted);
  }

  /** Applies an edit; fields keyops did not send are kept, as chat.update keeps omitted blocks. */
  edit(message: FakeMessage, source: Obj): void {
    if (typeof source.text === 'string') message.text = source.text;
    if (Array.isArray(source.blocks)) message.blocks = contentOf(source).blocks;
    message.history.push({ text: message.text, blocks: message.blocks, at: this.now() });
    this.changed();
  }

  remove(message: FakeMessage): void {
    message.deleted = true;
    this.changed();
  }

  // ---- trigger ids ----------------------------------------------------------

  issueTrigger(userId: string): string {
    const id = triggerId(this.now());
    this.triggers.set(id, { userId, issuedAt: this.now(), used: false });
    return id;
  }

  /** Checks without consuming: a view that fails validation should not burn the trigger. */
  checkTrigger(id: unknown): { userId: string } | SlackError {
    const trigger = typeof id === 'string' ? this.triggers.get(id) : undefined;
    if (!trigger) return { ok: false, error: 'invalid_trigger_id' };
    if (trigger.used || this.now() - trigger.issuedAt > TRIGGER_TTL_MS) return { ok: false, error: 'expired_trigger_id' };
    return { userId: trigger.userId };
  }

  consumeTrigger(id: string): void {
    const trigger = this.triggers.get(id);
    if (trigger) trigger.used = true;
  }

  // ---- views ----------------------------------------------------------------

  private makeView(userId: string, view: Obj, previous: FakeView | null): FakeView {
    const id = viewId();
    const created: FakeView = {
      id, hash: '', userId, type: view.type === 'home' ? 'home' : 'modal', blocks: [], view, history: [],
      rootViewId: previous?.rootViewId ?? id, previousViewId: previous?.id ?? null, closed: false,
    };
    this.applyView(created, view);
    this.views.set(id, created);
    return created;
  }

  private applyView(target: FakeView, view: Obj): void {
    target.view = view;
    target.history.push(view);
    target.hash = viewHash(this.now());
    target.blocks = contentOf(view).blocks;
    const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
    target.callbackId = str(view.callback_id);
    target.privateMetadata = str(view.private_metadata);
    target.externalId = str(view.external_id);
    delete target.errors;
    this.changed();
  }

  /** views.open starts a fresh stack: any modal the user had is gone. */
  openModal(userId: string, view: Obj): FakeView {
    this.clearModals(userId);
    const created = this.makeView(userId, view, null);
    this.modalStacks.set(userId, [created.id]);
    return created;
  }

  pushModal(userId: string, view: Obj): FakeView | SlackError {
    const stack = this.modalStacks.get(userId) ?? [];
    if (stack.length >= MAX_MODAL_STACK) return { ok: false, error: 'push_limit_reached' };
    const created = this.makeView(userId, view, this.topModal(userId) ?? null);
    this.modalStacks.set(userId, [...stack, created.id]);
    return created;
  }

  updateView(existing: FakeView, view: Obj): FakeView {
    this.applyView(existing, view);
    return existing;
  }

  publishHome(userId: string, view: Obj): FakeView {
    const existing = this.views.get(this.homeViews.get(userId) ?? '');
    if (existing) return this.updateView(existing, view);
    const created = this.makeView(userId, view, null);
    this.homeViews.set(userId, created.id);
    return created;
  }

  findView(id: unknown, externalId: unknown): FakeView | undefined {
    if (typeof id === 'string' && id !== '') return this.views.get(id);
    if (typeof externalId !== 'string') return undefined;
    return [...this.views.values()].find((v) => v.externalId === externalId && !v.closed);
  }

  topModal(userId: string): FakeView | undefined {
    const stack = this.modalStacks.get(userId) ?? [];
    return this.views.get(stack[stack.length - 1] ?? '');
  }

  homeView(userId: string): FakeView | undefined {
    return this.views.get(this.homeViews.get(userId) ?? '');
  }

  /** What Slack does when a submission is acked with no response_action. */
  popModal(userId: string): void {
    const stack = this.modalStacks.get(userId) ?? [];
    const top = this.views.get(stack.pop() ?? '');
    if (top) top.closed = true;
    this.changed();
  }

  clearModals(userId: string): void {
    for (const id of this.modalStacks.get(userId) ?? []) {
      const view = this.views.get(id);
      if (view) view.closed = true;
    }
    this.modalStacks.delete(userId);
    this.changed();
  }

  /** A submission answered with `response_action: errors`: the modal stays open showing them. */
  showErrors(view: FakeView, errors: Record<string, string>): void {
    view.errors = errors;
    this.changed();
  }
}
