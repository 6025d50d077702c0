/** Recording requests and their pending keys. Every write is idempotent: retries change nothing. */
import { recordAudit } from '../db/audit';
import type { ActivityDeps } from './deps';
import { keyRequestWorkflowId, type KeyRequestInput } from '../workflows/keyRequest';
import { createHomeRefresher } from './home';

export function createKeyRequestActivities(deps: ActivityDeps) {
  const home = createHomeRefresher(deps);
  return {
    async recordKeyRequest(input: KeyRequestInput): Promise<void> {
      await deps.db.$transaction(async (tx) => {
        const existing = await tx.keyRequest.findUnique({ where: { id: input.requestId }, select: { id: true } });
        if (existing) return;
        await tx.keyRequest.create({
          data: {
            id: input.requestId,
            requesterId: input.requesterId,
            name: input.name,
            environment: input.environment,
            scopes: input.scopes,
            lifetimeSeconds: input.lifetimeSeconds,
            reason: input.reason,
            status: input.needsApproval ? 'PENDING_APPROVAL' : 'APPROVED',
            needsApproval: input.needsApproval,
            channelId: input.channelId,
            workflowId: keyRequestWorkflowId(input.requestId),
            createdAt: deps.clock(),
          },
        });
        await recordAudit(tx, {
          actorId: input.requesterId,
          action: 'key.requested',
          targetType: 'request',
          targetId: input.requestId,
          source: input.source,
          details: { name: input.name, environment: input.environment, scopes: input.scopes, lifetimeSeconds: input.lifetimeSeconds, needsApproval: input.needsApproval, reason: input.reason, rotatedFromId: input.rotatedFromId ?? null },
          dedupeKey: `requested:${input.requestId}`,
        });
      });
      if (input.needsApproval) await home.refresh([input.requesterId]);
    },

    async createPendingKey(input: KeyRequestInput): Promise<void> {
      const now = deps.clock();
      await deps.db.$transaction(async (tx) => {
        const existing = await tx.apiKey.findUnique({ where: { id: input.keyId }, select: { id: true } });
        if (existing) return;
        await tx.apiKey.create({
          data: {
            id: input.keyId,
            ownerId: input.requesterId,
            name: input.name,
            environment: input.environment,
            scopes: input.scopes,
            status: 'PENDING_REVEAL',
            createdAt: now,
            // Provisional: the lifetime starts when the key is revealed (see revealKey).
            expiresAt: new Date(now.getTime() + input.lifetimeSeconds * 1000),
            requestId: input.requestId,
            rotatedFromId: input.rotatedFromId ?? null,
          },
        });
        // An approved request keeps the time of its approval as decidedAt.
        const request = await tx.keyRequest.findUniqueOrThrow({ where: { id: input.requestId }, select: { decidedAt: true } });
        await tx.keyRequest.update({ where: { id: input.requestId }, data: { status: 'FULFILLED', decidedAt: request.decidedAt ?? now } });
        await recordAudit(tx, {
          actorId: input.requesterId,
          action: 'key.created',
          targetType: 'key',
          targetId: input.keyId,
          source: input.source,
          details: { requestId: input.requestId, name: input.name, environment: input.environment, scopes: input.scopes, rotatedFromId: input.rotatedFromId ?? null },
          dedupeKey: `created:${input.keyId}`,
        });
      });
      await home.refresh([input.requesterId]);
    },
  };
}
