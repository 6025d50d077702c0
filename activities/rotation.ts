/**
 * The side effects of a rotation (see workflows/keyRotation.ts): recording it, starting and
 * checking the grace period, and its three endings. The grace period is stored on the old key
 * (graceEndsAt); every write is conditional or deduplicated, so retries change nothing twice.
 */
import { recordAudit } from '../db/audit';
import type { LifecycleFacts } from '../domain/lifecyclePlan';
import { keyLifecycleWorkflowId } from '../workflows/keyLifecycle';
import type { ReplyTo } from '../workflows/replyTo';
import {
  buildGraceExtended,
  buildGraceStarted,
  buildRotationAbandoned,
  buildRotationCancelled,
  buildRotationCheck,
  buildRotationFinished,
  type RotationPair,
} from '../bot/views/rotationMessages';
import type { ActivityDeps } from './deps';
import { LIFECYCLE_KEY_SELECT, toLifecycleFacts, type LifecycleKey } from '../db/lifecycleKeys';
import { noticeKey } from './lifecycle';
import { createMessenger } from './messenger';
import { revokeKeyAtRotationEnd } from './rotationRevocation';

export function createRotationActivities(deps: ActivityDeps) {
  const messenger = createMessenger(deps);
  const { home } = deps;
  const loadKey = (keyId: string) => deps.db.apiKey.findUnique({ where: { id: keyId }, select: LIFECYCLE_KEY_SELECT });
  const loadFacts = async (keyId: string) => toLifecycleFacts(await loadKey(keyId));
  const done = async (dedupeKey: string) => (await deps.db.auditEvent.findUnique({ where: { dedupeKey }, select: { id: true } })) !== null;
  const source = (keyId: string) => `workflow:${keyLifecycleWorkflowId(keyId)}`;
  const pairOf = async (keyId: string, newKeyId: string): Promise<{ old: LifecycleKey; fresh: LifecycleKey; pair: RotationPair } | null> => {
    const [old, fresh] = await Promise.all([loadKey(keyId), loadKey(newKeyId)]);
    if (!old || !fresh) return null;
    return { old, fresh, pair: { old: { ...noticeKey(old), lastUsedAt: old.lastUsedAt }, new: { ...noticeKey(fresh), lastUsedAt: fresh.lastUsedAt } } };
  };
  const audit = (options: { keyId: string; actorId: string; action: string; details: Record<string, unknown>; dedupeKey: string }) =>
    recordAudit(deps.db, { actorId: options.actorId, action: options.action, targetType: 'key', targetId: options.keyId, source: source(options.keyId), details: options.details, dedupeKey: options.dedupeKey });

  return {
    async recordRotationStarted(options: { keyId: string; newKeyId: string; requestId: string; actorId: string; graceSeconds: number }): Promise<LifecycleFacts | null> {
      const key = await loadKey(options.keyId);
      if (key?.status !== 'ACTIVE') return toLifecycleFacts(key);
      await audit({ keyId: key.id, actorId: options.actorId, action: 'key.rotation_started', details: { newKeyId: options.newKeyId, requestId: options.requestId, graceSeconds: options.graceSeconds }, dedupeKey: `rotation_started:${options.newKeyId}` });
      return toLifecycleFacts(key);
    },

    /** The new key was revealed: the old one keeps working for the grace period, counted from the reveal. */
    async beginRotationGrace(options: { keyId: string; newKeyId: string; graceSeconds: number }): Promise<LifecycleFacts | null> {
      const found = await pairOf(options.keyId, options.newKeyId);
      if (!found?.fresh.revealedAt) return loadFacts(options.keyId);
      const graceEndsAt = new Date(found.fresh.revealedAt.getTime() + options.graceSeconds * 1000);
      const dedupeKey = `grace_started:${options.newKeyId}`;
      await deps.db.$transaction(async (tx) => {
        const started = await tx.apiKey.updateMany({ where: { id: options.keyId, status: 'ACTIVE', graceEndsAt: null }, data: { graceEndsAt } });
        if (started.count === 0) return;
        await recordAudit(tx, { actorId: 'system', action: 'key.rotation_grace_started', targetType: 'key', targetId: options.keyId, source: source(options.keyId), details: { newKeyId: options.newKeyId, graceEndsAt: graceEndsAt.toISOString() }, dedupeKey });
      });
      const old = await loadKey(options.keyId);
      if (old?.graceEndsAt && (await done(dedupeKey)) && !(await done(`told:${dedupeKey}`))) {
        await messenger.dm({ userId: old.ownerId, message: buildGraceStarted({ ...found.pair, keyId: old.id, graceEndsAt: old.graceEndsAt }), dedupeKey: `told:${dedupeKey}` });
        await audit({ keyId: old.id, actorId: 'system', action: 'key.rotation_owner_told', details: { what: 'grace_started' }, dedupeKey: `told:${dedupeKey}` });
      }
      home.refresh([found.old.ownerId]);
      return toLifecycleFacts(old);
    },

    async abandonRotation(options: { keyId: string; newKeyId: string; outcome: string }): Promise<LifecycleFacts | null> {
      const key = await loadKey(options.keyId);
      if (!key) return null;
      const dedupeKey = `rotation_abandoned:${options.newKeyId}`;
      if (!(await done(dedupeKey))) {
        await messenger.dm({ userId: key.ownerId, message: buildRotationAbandoned({ old: noticeKey(key), outcome: options.outcome }), dedupeKey });
        await audit({ keyId: key.id, actorId: 'system', action: 'key.rotation_abandoned', details: { newKeyId: options.newKeyId, outcome: options.outcome }, dedupeKey });
      }
      home.refresh([key.ownerId]);
      return toLifecycleFacts(key);
    },

    async sendRotationCheck(options: { keyId: string; newKeyId: string; graceEndsAtMs: number; graceSeconds: number }): Promise<LifecycleFacts | null> {
      const found = await pairOf(options.keyId, options.newKeyId);
      if (!found || found.old.graceEndsAt?.getTime() !== options.graceEndsAtMs) return loadFacts(options.keyId);
      const dedupeKey = `rotation_check:${options.keyId}:${options.graceEndsAtMs}`;
      if (await done(dedupeKey)) return toLifecycleFacts(found.old);
      const message = buildRotationCheck({ ...found.pair, keyId: options.keyId, graceEndsAt: new Date(options.graceEndsAtMs), now: deps.clock(), extendBySeconds: options.graceSeconds });
      await messenger.dm({ userId: found.old.ownerId, message, dedupeKey });
      const lastUsed = { old: found.old.lastUsedAt?.toISOString() ?? null, new: found.fresh.lastUsedAt?.toISOString() ?? null };
      await audit({ keyId: options.keyId, actorId: 'system', action: 'key.rotation_check_sent', details: { newKeyId: options.newKeyId, lastUsed }, dedupeKey });
      return toLifecycleFacts(found.old);
    },

    /** The rotation's end: the old key is revoked (at the end of the grace period, or early by choice). */
    async finishRotation(options: { keyId: string; newKeyId: string; actorId: string; why: 'grace_ended' | 'revoked_early'; replyTo: ReplyTo }): Promise<LifecycleFacts | null> {
      const found = await pairOf(options.keyId, options.newKeyId);
      if (!found) return loadFacts(options.keyId);
      const reason = options.why === 'grace_ended' ? `rotation: grace period ended, replaced by ${options.newKeyId}` : `rotation: revoked early, replaced by ${options.newKeyId}`;
      const revoked = await revokeKeyAtRotationEnd(deps, { keyId: options.keyId, actorId: options.actorId, reason, revocationId: `rotation:${options.newKeyId}`, source: source(options.keyId) });
      const dedupeKey = `rotation_finished:${options.newKeyId}`;
      if (revoked && !(await done(dedupeKey))) {
        await deps.db.apiKey.update({ where: { id: options.keyId }, data: { graceEndsAt: null } });
        const message = buildRotationFinished({ ...found.pair, why: options.why, actorId: options.actorId });
        await messenger.reply({ userId: options.actorId === 'system' ? found.old.ownerId : options.actorId, replyTo: options.replyTo, message });
        await audit({ keyId: options.keyId, actorId: options.actorId, action: 'key.rotation_finished', details: { newKeyId: options.newKeyId, why: options.why }, dedupeKey });
        home.refresh([found.old.ownerId]);
      }
      return loadFacts(options.keyId);
    },

    async extendRotationGrace(options: { keyId: string; newKeyId: string; choiceId: string; bySeconds: number; actorId: string; replyTo: ReplyTo }): Promise<LifecycleFacts | null> {
      const found = await pairOf(options.keyId, options.newKeyId);
      const dedupeKey = `grace_extended:${options.choiceId}`;
      if (!found?.old.graceEndsAt || (await done(dedupeKey))) return loadFacts(options.keyId);
      const graceEndsAt = new Date(found.old.graceEndsAt.getTime() + options.bySeconds * 1000);
      await deps.db.$transaction(async (tx) => {
        const moved = await tx.apiKey.updateMany({ where: { id: options.keyId, status: 'ACTIVE', graceEndsAt: found.old.graceEndsAt }, data: { graceEndsAt } });
        if (moved.count === 0) return;
        await recordAudit(tx, { actorId: options.actorId, action: 'key.rotation_grace_extended', targetType: 'key', targetId: options.keyId, source: source(options.keyId), details: { newKeyId: options.newKeyId, graceEndsAt: graceEndsAt.toISOString() }, dedupeKey });
      });
      if (await done(dedupeKey)) {
        await messenger.reply({ userId: options.actorId, replyTo: options.replyTo, message: buildGraceExtended({ ...found.pair, actorId: options.actorId, graceEndsAt }) });
        home.refresh([found.old.ownerId]);
      }
      return loadFacts(options.keyId);
    },

    /** The owner keeps the old key: the new key is revoked instead and the grace period ends. */
    async cancelRotation(options: { keyId: string; newKeyId: string; actorId: string; replyTo: ReplyTo }): Promise<LifecycleFacts | null> {
      const found = await pairOf(options.keyId, options.newKeyId);
      if (!found) return loadFacts(options.keyId);
      await revokeKeyAtRotationEnd(deps, { keyId: options.newKeyId, actorId: options.actorId, reason: `rotation of ${options.keyId} cancelled`, revocationId: `rotation_cancelled:${options.newKeyId}`, source: source(options.keyId) });
      const dedupeKey = `rotation_cancelled:${options.newKeyId}`;
      await deps.db.$transaction(async (tx) => {
        const cleared = await tx.apiKey.updateMany({ where: { id: options.keyId, graceEndsAt: { not: null } }, data: { graceEndsAt: null } });
        if (cleared.count === 0) return;
        await recordAudit(tx, { actorId: options.actorId, action: 'key.rotation_cancelled', targetType: 'key', targetId: options.keyId, source: source(options.keyId), details: { newKeyId: options.newKeyId }, dedupeKey });
      });
      if (await done(dedupeKey)) {
        await messenger.reply({ userId: options.actorId, replyTo: options.replyTo, message: buildRotationCancelled({ ...found.pair, actorId: options.actorId }) });
        home.refresh([found.old.ownerId]);
      }
      return loadFacts(options.keyId);
    },
  };
}
