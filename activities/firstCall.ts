/**
 * The first call, in Slack: a key's lifecycle reports its first call to the owner (in the reveal
 * message while Slack lets keyops replace it, by DM after) and nudges a key nobody has used an
 * hour after its reveal. Both re-read the key and return its lifecycle facts, like every lifecycle
 * activity, and each happens once: the store records it (`first_call_settled_at`,
 * `first_call_nudged_at`) with its audit event, in one transaction, after the owner was told.
 */
import { recordAudit } from '../db/audit';
import { LIFECYCLE_KEY_SELECT, toLifecycleFacts } from '../db/lifecycleKeys';
import { firstCallOf, reportedErrorClass, type FirstCall } from '../domain/firstCall';
import type { LifecycleFacts } from '../domain/lifecyclePlan';
import { keyLifecycleWorkflowId, type RevealSurfaceArgs } from '../workflows/keyLifecycle';
import { buildFirstCallNotice, buildFirstCallNudge } from '../bot/views/firstCallMessages';
import { buildMaskedAfterReveal } from '../bot/views/revealMessages';
import type { ActivityDeps } from './deps';
import { createMessenger } from './messenger';
import { isSurfaceGone, openRevealSurface, showOn, type RevealSurface } from './revealSurface';

/**
 * Slack lets a response_url be used for 30 minutes after the click (five times: the reveal, the
 * mask, this). Past this age the report goes by DM rather than race the end of that life.
 */
export const REVEAL_SURFACE_LIFE_MS = 25 * 60_000;
const MINUTE_MS = 60_000;

const FIRST_CALL_KEY_SELECT = {
  ...LIFECYCLE_KEY_SELECT,
  firstCallOutcome: true,
  firstCallVia: true,
  firstCallCaller: true,
  firstCallReportedClass: true,
  request: { select: { workflowId: true } },
} as const;

export function createFirstCallActivities(deps: ActivityDeps) {
  const messenger = createMessenger(deps);
  const loadKey = (keyId: string) => deps.db.apiKey.findUnique({ where: { id: keyId }, select: FIRST_CALL_KEY_SELECT });
  const source = (keyId: string) => `workflow:${keyLifecycleWorkflowId(keyId)}`;

  /** What the gateway reported (POST /v1/usage) in the first call's minute, when it names the call's error class. */
  const reportedClass = async (keyId: string, at: Date): Promise<'4xx' | '5xx' | null> => {
    const minute = new Date(at.getTime() - (at.getTime() % MINUTE_MS));
    const row = await deps.db.keyUsageMinute.findUnique({ where: { keyId_minute: { keyId, minute } }, select: { errors4xx: true, errors5xx: true, latencyBuckets: true } });
    if (!row) return null;
    // Every reported outcome lands in one latency bucket: their sum is how many were reported.
    const reported = row.latencyBuckets.reduce((sum, n) => sum + n, 0);
    return reportedErrorClass({ reported, errors4xx: row.errors4xx, errors5xx: row.errors5xx });
  };

  /** The reveal message (or modal) if it can still be replaced; null sends a DM instead. */
  const liveSurface = (key: { id: string; ownerId: string; revealedAt: Date | null; request: { workflowId: string } | null }, surface: RevealSurfaceArgs | undefined): RevealSurface | null => {
    if (!surface || !key.request || !key.revealedAt || surface.clickerId !== key.ownerId) return null;
    if (deps.clock().getTime() - key.revealedAt.getTime() > REVEAL_SURFACE_LIFE_MS) return null;
    try {
      return openRevealSurface(deps, surface.responseUrl, { purpose: 'reveal', workflowId: key.request.workflowId, clickerId: surface.clickerId }, { legacy: surface.legacy === true });
    } catch (error) {
      deps.log.warn('could not open the reveal surface for the first call; sending a DM instead', { keyId: key.id, error: (error as Error).message });
      return null;
    }
  };

  return {
    async reportFirstCall(options: { keyId: string; surface?: RevealSurfaceArgs }): Promise<LifecycleFacts | null> {
      const key = await loadKey(options.keyId);
      const stored = key ? firstCallOf(key) : null;
      if (!key || !stored || key.status !== 'ACTIVE' || key.firstCallSettledAt || !key.maskedKey) return toLifecycleFacts(key);
      const firstCall: FirstCall = { ...stored, reportedErrorClass: await reportedClass(key.id, new Date(stored.atMs)) };
      const named = { keyId: key.id, name: key.name, maskedKey: key.maskedKey };
      let toldIn: 'reveal message' | 'dm' = 'dm';
      const surface = liveSurface(key, options.surface);
      if (surface) {
        try {
          await showOn(deps, surface, buildMaskedAfterReveal({ ...named, environment: key.environment, scopes: key.scopes, expiresAt: key.expiresAt, firstCall }), { hidden: true });
          toldIn = 'reveal message';
        } catch (error) {
          if (!isSurfaceGone(error)) throw error;
        }
      }
      // Told first, recorded second: a retry after a crash in between tells again rather than never.
      if (toldIn === 'dm') await messenger.dm({ userId: key.ownerId, message: buildFirstCallNotice({ ...named, firstCall }) });
      await deps.db.$transaction(async (tx) => {
        const settled = await tx.apiKey.updateMany({ where: { id: key.id, firstCallSettledAt: null }, data: { firstCallSettledAt: deps.clock(), firstCallReportedClass: firstCall.reportedErrorClass } });
        if (settled.count === 0) return;
        const details = { at: new Date(firstCall.atMs).toISOString(), secondsAfterReveal: Math.round((firstCall.atMs - firstCall.revealedAtMs) / 1000), outcome: firstCall.outcome, via: firstCall.via, caller: firstCall.caller, reportedErrorClass: firstCall.reportedErrorClass, toldIn };
        await recordAudit(tx, { actorId: 'system', action: 'key.first_call', targetType: 'key', targetId: key.id, source: source(key.id), details, dedupeKey: `first_call:${key.id}` });
      });
      deps.home.refresh([key.ownerId]);
      return toLifecycleFacts(await loadKey(key.id));
    },

    async nudgeUnusedKey(options: { keyId: string; dueAtMs: number }): Promise<LifecycleFacts | null> {
      const key = await loadKey(options.keyId);
      if (!key || key.status !== 'ACTIVE' || !key.revealedAt || !key.maskedKey || key.firstCallAt || key.firstCallSettledAt || key.firstCallNudgedAt) return toLifecycleFacts(key);
      const now = new Date(Math.max(deps.clock().getTime(), options.dueAtMs));
      const message = buildFirstCallNudge({ keyId: key.id, name: key.name, maskedKey: key.maskedKey, sinceRevealMs: now.getTime() - key.revealedAt.getTime(), exampleUrl: deps.policy.quickStart.exampleUrl });
      await messenger.dm({ userId: key.ownerId, message });
      await deps.db.$transaction(async (tx) => {
        const nudged = await tx.apiKey.updateMany({ where: { id: key.id, firstCallNudgedAt: null }, data: { firstCallNudgedAt: now } });
        if (nudged.count === 0) return;
        await recordAudit(tx, { actorId: 'system', action: 'key.first_call_nudge_sent', targetType: 'key', targetId: key.id, source: source(key.id), details: { revealedAt: key.revealedAt?.toISOString() }, dedupeKey: `first_call_nudge:${key.id}` });
      });
      return toLifecycleFacts(await loadKey(key.id));
    },
  };
}
