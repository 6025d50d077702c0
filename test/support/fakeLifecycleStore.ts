/**
 * An in-memory key store behind the lifecycle and rotation activities, for workflow tests on the
 * time-skipping server. It behaves like the real activities where the workflow can tell (it
 * re-reads keys, refuses stale work, returns fresh facts) and records what an owner would see,
 * stamped with the test server's clock.
 */
import type { Activities } from '../../activities';
import { usageCheck, type LifecycleFacts, type NoticeSchedule } from '../../domain/lifecyclePlan';
import type { KeyRequestInput, RevealResult } from '../../workflows/keyRequest';

export const DAY = 86_400_000;
export const HOUR = 3_600_000;

export interface StoredKey extends LifecycleFacts {
  id: string;
  rotatedFromId: string | null;
}

export interface SeenEvent {
  at: number;
  kind: string;
  keyId: string;
  details?: Record<string, unknown>;
}

export const SCHEDULE: NoticeSchedule = { expiryNoticeSeconds: [14 * 86400, 3 * 86400, 86400], unusedAfterSeconds: 90 * 86400, neverUsedAfterSeconds: 14 * 86400, defaultGraceSeconds: 86400 };

export class FakeLifecycleStore {
  readonly keys = new Map<string, StoredKey>();
  readonly events: SeenEvent[] = [];
  /** Keys "used all the time": every read reports a use an hour ago. */
  readonly busy = new Set<string>();

  constructor(private readonly now: () => Promise<number>) {}

  add(key: Partial<StoredKey> & { id: string; expiresAtMs: number; revealedAtMs: number }): StoredKey {
    const stored: StoredKey = { status: 'ACTIVE', ownerId: 'U0OWNER', lastUsedAtMs: null, keptAtMs: null, unusedNoticeAtMs: null, graceEndsAtMs: null, replacementKeyId: null, rotatedFromId: null, ...key };
    this.keys.set(stored.id, stored);
    return stored;
  }

  eventsOf(kind: string, keyId?: string): SeenEvent[] {
    return this.events.filter((e) => e.kind === kind && (keyId === undefined || e.keyId === keyId));
  }

  private async record(kind: string, keyId: string, details?: Record<string, unknown>): Promise<void> {
    this.events.push({ at: await this.now(), kind, keyId, ...(details ? { details } : {}) });
  }

  private async facts(keyId: string): Promise<LifecycleFacts | null> {
    const key = this.keys.get(keyId);
    if (!key) return null;
    if (this.busy.has(keyId) && key.status === 'ACTIVE') key.lastUsedAtMs = (await this.now()) - HOUR;
    const replacement = [...this.keys.values()].find((k) => k.rotatedFromId === keyId && k.status === 'ACTIVE');
    const { id: _id, rotatedFromId: _from, ...facts } = key;
    return { ...facts, replacementKeyId: key.graceEndsAtMs !== null ? (replacement?.id ?? null) : null };
  }

  private revoke(keyId: string): void {
    const key = this.keys.get(keyId);
    if (key && key.status !== 'REVOKED') {
      key.status = 'REVOKED';
      key.graceEndsAtMs = null;
    }
  }

  activities(): Activities {
    const acts = {
      loadKeyLifecycle: async ({ keyId }: { keyId: string }) => ({ facts: await this.facts(keyId), schedule: SCHEDULE }),
      startKeyLifecycle: async ({ keyId }: { keyId: string }) => this.record('lifecycle_started', keyId),
      sendExpiryNotice: async (o: { keyId: string; expiresAtMs: number; beforeSeconds: number }) => {
        const key = this.keys.get(o.keyId);
        if (key?.status === 'ACTIVE' && key.expiresAtMs === o.expiresAtMs) await this.record('expiry_notice', o.keyId, { beforeDays: o.beforeSeconds / 86400 });
        return this.facts(o.keyId);
      },
      expireKey: async (o: { keyId: string; expiresAtMs: number }) => {
        const key = this.keys.get(o.keyId);
        if (key?.status === 'ACTIVE' && key.expiresAtMs <= Math.max(await this.now(), o.expiresAtMs)) {
          key.status = 'EXPIRED';
          await this.record('expired', o.keyId);
        }
        return this.facts(o.keyId);
      },
      checkKeyUsage: async (o: { keyId: string; dueAtMs: number }) => {
        const facts = await this.facts(o.keyId);
        const key = this.keys.get(o.keyId);
        const now = Math.max(await this.now(), o.dueAtMs);
        const check = facts && usageCheck(facts, SCHEDULE);
        if (key && check && check.atMs <= now) {
          key.unusedNoticeAtMs = now;
          await this.record('unused_notice', o.keyId, { kind: check.kind });
        }
        return this.facts(o.keyId);
      },
      extendKeyExpiry: async (o: { keyId: string; lifetimeSeconds: number }) => {
        const key = this.keys.get(o.keyId);
        if (key?.status === 'ACTIVE') {
          key.expiresAtMs = (await this.now()) + o.lifetimeSeconds * 1000;
          await this.record('extended', o.keyId, { lifetimeDays: o.lifetimeSeconds / 86400 });
        }
        return this.facts(o.keyId);
      },
      keepUnusedKey: async (o: { keyId: string }) => {
        const key = this.keys.get(o.keyId);
        if (key) key.keptAtMs = await this.now();
        await this.record('kept', o.keyId);
        return this.facts(o.keyId);
      },
      refreshHome: async () => undefined,
      // The new key's request, as keyRequestWorkflow drives it.
      recordKeyRequest: async () => undefined,
      rejectKeyRequest: async () => undefined,
      createAndOfferKey: async (input: KeyRequestInput) => {
        this.keys.set(input.keyId, { id: input.keyId, status: 'PENDING_REVEAL', ownerId: input.requesterId, expiresAtMs: 0, revealedAtMs: null, lastUsedAtMs: null, keptAtMs: null, unusedNoticeAtMs: null, graceEndsAtMs: null, replacementKeyId: null, rotatedFromId: input.rotatedFromId ?? null });
        this.record('reveal_offered', input.keyId);
      },
      revealKey: async ({ keyId }: { keyId: string }): Promise<RevealResult> => {
        const key = this.keys.get(keyId) as StoredKey;
        const now = await this.now();
        Object.assign(key, { status: 'ACTIVE', revealedAtMs: now, expiresAtMs: now + 90 * DAY });
        await this.record('revealed', keyId);
        return { outcome: 'REVEALED', maskedKey: 'ko_test_…new1' };
      },
      maskRevealedKey: async () => undefined,
      closeRevealWindow: async ({ keyId }: { keyId: string }) => {
        this.revoke(keyId);
        await this.record('reveal_window_closed', keyId);
      },
      // Rotation.
      recordRotationStarted: async (o: { keyId: string; newKeyId: string }) => (await this.record('rotation_started', o.keyId, { newKeyId: o.newKeyId }), this.facts(o.keyId)),
      beginRotationGrace: async (o: { keyId: string; newKeyId: string; graceSeconds: number }) => {
        const old = this.keys.get(o.keyId);
        const fresh = this.keys.get(o.newKeyId);
        if (old?.status === 'ACTIVE' && fresh?.revealedAtMs != null && old.graceEndsAtMs === null) {
          old.graceEndsAtMs = fresh.revealedAtMs + o.graceSeconds * 1000;
          await this.record('grace_started', o.keyId, { graceEndsAtMs: old.graceEndsAtMs });
        }
        return this.facts(o.keyId);
      },
      abandonRotation: async (o: { keyId: string; outcome: string }) => (await this.record('rotation_abandoned', o.keyId, { outcome: o.outcome }), this.facts(o.keyId)),
      sendRotationCheck: async (o: { keyId: string; newKeyId: string }) => (await this.record('rotation_check', o.keyId, { newKeyId: o.newKeyId }), this.facts(o.keyId)),
      finishRotation: async (o: { keyId: string; why: string }) => {
        this.revoke(o.keyId);
        await this.record('old_key_revoked', o.keyId, { why: o.why });
        return this.facts(o.keyId);
      },
      extendRotationGrace: async (o: { keyId: string; bySeconds: number }) => {
        const old = this.keys.get(o.keyId);
        if (old?.graceEndsAtMs != null) old.graceEndsAtMs += o.bySeconds * 1000;
        await this.record('grace_extended', o.keyId);
        return this.facts(o.keyId);
      },
      cancelRotation: async (o: { keyId: string; newKeyId: string }) => {
        this.revoke(o.newKeyId);
        const old = this.keys.get(o.keyId);
        if (old) old.graceEndsAtMs = null;
        await this.record('rotation_cancelled', o.keyId, { newKeyId: o.newKeyId });
        return this.facts(o.keyId);
      },
    };
    return acts as unknown as Activities;
  }
}
