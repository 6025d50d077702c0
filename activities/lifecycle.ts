/**
 * The side effects of a key's lifecycle: reading the key, the expiry notices, the expiry, the
 * unused-key checks, Extend and Keep. Each re-reads the key and returns what it found, so the
 * workflow re-plans from the store, and each is idempotent (audit dedupe keys, conditional writes).
 */
import { recordAudit } from '../db/audit';
import { planExtension } from '../domain/extension';
import { LIFECYCLE_KEY_SELECT, noticeScheduleOf, toLifecycleFacts, type LifecycleKey } from '../db/lifecycleKeys';
import { usageCheck, type LifecycleFacts, type NoticeSchedule } from '../domain/lifecyclePlan';
import { keyLifecycleWorkflowId, type RevealSurfaceArgs } from '../workflows/keyLifecycle';
import type { ReplyTo } from '../workflows/replyTo';
import { buildExpiryNotice, buildExtensionRefused, buildKeyExpired, buildKeyExtended, buildKeyKept, buildUnusedNotice } from '../bot/views/lifecycleNotices';
import type { ActivityDeps } from './deps';
import { createMessenger } from './messenger';

export function noticeKey(key: Pick<LifecycleKey, 'id' | 'name' | 'maskedKey' | 'environment'>) {
  return { keyId: key.id, name: key.name, maskedKey: key.maskedKey, environment: key.environment };
}

export function createLifecycleActivities(deps: ActivityDeps) {
  const messenger = createMessenger(deps);
  const { home } = deps;
  const schedule: NoticeSchedule = noticeScheduleOf(deps.policy);
  const loadKey = (keyId: string) => deps.db.apiKey.findUnique({ where: { id: keyId }, select: LIFECYCLE_KEY_SELECT });
  const loadFacts = async (keyId: string) => toLifecycleFacts(await loadKey(keyId));
  const done = async (dedupeKey: string) => (await deps.db.auditEvent.findUnique({ where: { dedupeKey }, select: { id: true } })) !== null;
  const source = (keyId: string) => `workflow:${keyLifecycleWorkflowId(keyId)}`;
  /** Timer activities may run a moment before the store's clock reaches the planned time. */
  const nowAtLeast = (atMs: number) => new Date(Math.max(deps.clock().getTime(), atMs));

  return {
    async loadKeyLifecycle(options: { keyId: string }): Promise<{ facts: LifecycleFacts | null; schedule: NoticeSchedule }> {
      return { facts: await loadFacts(options.keyId), schedule };
    },

    /** `revealSurface`: where the key was shown, for the first call's report (sealed; request runs from before the first-call patch send none). */
    async startKeyLifecycle(options: { keyId: string; revealSurface?: RevealSurfaceArgs }): Promise<void> {
      await deps.lifecycles.ensureStarted(options.keyId, options.revealSurface ? { revealSurface: options.revealSurface } : undefined);
    },

    async sendExpiryNotice(options: { keyId: string; expiresAtMs: number; beforeSeconds: number }): Promise<LifecycleFacts | null> {
      const key = await loadKey(options.keyId);
      if (!key || key.status !== 'ACTIVE' || key.expiresAt.getTime() !== options.expiresAtMs) return toLifecycleFacts(key);
      const dedupeKey = `expiry_notice:${key.id}:${options.expiresAtMs}:${options.beforeSeconds}`;
      if (await done(dedupeKey)) return toLifecycleFacts(key);
      await messenger.dm({ userId: key.ownerId, message: buildExpiryNotice({ ...noticeKey(key), expiresAt: key.expiresAt, beforeSeconds: options.beforeSeconds }), dedupeKey });
      await recordAudit(deps.db, { actorId: 'system', action: 'key.expiry_notice_sent', targetType: 'key', targetId: key.id, source: source(key.id), details: { beforeSeconds: options.beforeSeconds, expiresAt: key.expiresAt.toISOString() }, dedupeKey });
      return toLifecycleFacts(key);
    },

    async expireKey(options: { keyId: string; expiresAtMs: number }): Promise<LifecycleFacts | null> {
      const now = nowAtLeast(options.expiresAtMs);
      await deps.db.apiKey.updateMany({ where: { id: options.keyId, status: 'ACTIVE', expiresAt: { lte: now } }, data: { status: 'EXPIRED', graceEndsAt: null } });
      const key = await loadKey(options.keyId);
      const dedupeKey = `expired:${options.keyId}`;
      if (key?.status !== 'EXPIRED' || (await done(dedupeKey))) return toLifecycleFacts(key);
      // Told first, recorded second: a retry after a crash in between finds the post (postOnce.ts).
      await messenger.dm({ userId: key.ownerId, message: buildKeyExpired({ ...noticeKey(key), expiresAt: key.expiresAt }), dedupeKey });
      await recordAudit(deps.db, { actorId: 'system', action: 'key.expired', targetType: 'key', targetId: key.id, source: source(key.id), details: { expiresAt: key.expiresAt.toISOString(), ownerTold: true }, dedupeKey });
      home.refresh([key.ownerId]);
      return toLifecycleFacts(key);
    },

    async checkKeyUsage(options: { keyId: string; dueAtMs: number }): Promise<LifecycleFacts | null> {
      const key = await loadKey(options.keyId);
      const facts = toLifecycleFacts(key);
      if (!key || !facts || key.status !== 'ACTIVE') return facts;
      const now = nowAtLeast(options.dueAtMs);
      const check = usageCheck(facts, schedule);
      // Used since the check was planned: nothing to say; the workflow plans from the new facts.
      if (!check || check.atMs > now.getTime()) return facts;
      const dedupeKey = `unused_notice:${key.id}:${check.atMs}`;
      if (!(await done(dedupeKey))) {
        const since = new Date(facts.revealedAtMs ?? key.expiresAt.getTime());
        await messenger.dm({ userId: key.ownerId, message: buildUnusedNotice({ ...noticeKey(key), kind: check.kind, since, lastUsedAt: key.lastUsedAt }), dedupeKey });
        await deps.db.$transaction(async (tx) => {
          await tx.apiKey.update({ where: { id: key.id }, data: { unusedNoticeAt: now } });
          await recordAudit(tx, { actorId: 'system', action: 'key.unused_notice_sent', targetType: 'key', targetId: key.id, source: source(key.id), details: { kind: check.kind, lastUsedAt: key.lastUsedAt?.toISOString() ?? null }, dedupeKey });
        });
      }
      return loadFacts(key.id);
    },

    async extendKeyExpiry(options: { keyId: string; extensionId: string; actorId: string; lifetimeSeconds: number; replyTo: ReplyTo }): Promise<LifecycleFacts | null> {
      const dedupeKey = `extended:${options.extensionId}`;
      const key = await loadKey(options.keyId);
      if (!key || (await done(dedupeKey))) return toLifecycleFacts(key);
      const now = deps.clock();
      const plan = planExtension({ policy: deps.policy, key, lifetimeSeconds: options.lifetimeSeconds, now });
      if (!plan.ok) {
        await recordAudit(deps.db, { actorId: options.actorId, action: 'key.extend_refused', targetType: 'key', targetId: key.id, source: source(key.id), details: { refusal: plan.refusal, lifetimeSeconds: options.lifetimeSeconds }, dedupeKey: `extend_refused:${options.extensionId}` });
        await messenger.reply({ userId: options.actorId, replyTo: options.replyTo, message: buildExtensionRefused({ ...noticeKey(key), refusal: plan.refusal }) });
        return toLifecycleFacts(key);
      }
      await deps.db.$transaction(async (tx) => {
        // Conditional on what was read: a concurrent change (a revocation) wins over this click.
        const moved = await tx.apiKey.updateMany({ where: { id: key.id, status: 'ACTIVE', expiresAt: key.expiresAt }, data: { expiresAt: plan.expiresAt } });
        if (moved.count === 0) return;
        const details = { from: key.expiresAt.toISOString(), to: plan.expiresAt.toISOString(), lifetimeSeconds: options.lifetimeSeconds };
        await recordAudit(tx, { actorId: options.actorId, action: 'key.extended', targetType: 'key', targetId: key.id, source: source(key.id), details, dedupeKey });
      });
      const after = await loadKey(key.id);
      if (after && (await done(dedupeKey))) {
        const message = buildKeyExtended({ ...noticeKey(key), actorId: options.actorId, from: key.expiresAt, to: after.expiresAt });
        await messenger.reply({ userId: options.actorId, replyTo: options.replyTo, message });
        if (options.actorId !== key.ownerId) await messenger.dm({ userId: key.ownerId, message });
        home.refresh([key.ownerId]);
      }
      return toLifecycleFacts(after);
    },

    async keepUnusedKey(options: { keyId: string; keepId: string; actorId: string; replyTo: ReplyTo }): Promise<LifecycleFacts | null> {
      const dedupeKey = `kept:${options.keepId}`;
      const key = await loadKey(options.keyId);
      if (!key || key.status !== 'ACTIVE' || (await done(dedupeKey))) return toLifecycleFacts(key);
      const now = deps.clock();
      await deps.db.$transaction(async (tx) => {
        await tx.apiKey.update({ where: { id: key.id }, data: { keptAt: now } });
        await recordAudit(tx, { actorId: options.actorId, action: 'key.kept', targetType: 'key', targetId: key.id, source: source(key.id), details: { lastUsedAt: key.lastUsedAt?.toISOString() ?? null }, dedupeKey });
      });
      const askAgainAt = new Date(now.getTime() + schedule.unusedAfterSeconds * 1000);
      await messenger.reply({ userId: options.actorId, replyTo: options.replyTo, message: buildKeyKept({ ...noticeKey(key), actorId: options.actorId, askAgainAt }) });
      return loadFacts(key.id);
    },

    async refreshHome(options: { userIds: string[] }): Promise<void> {
      home.refresh(options.userIds);
    },
  };
}
