/**
 * What follows a committed revocation (see workflows/revocation.ts). The notice is idempotent: an
 * audit row with a dedupe key marks it sent, so a retried activity or a second run of the
 * workflow does not DM the owner twice, and the post itself is made once under the same key
 * (postOnce.ts), so a crash between the post and the audit row does not either.
 */
import { recordAudit } from '../db/audit';
import { KEY_FACTS } from '../db/revocations';
import { buildRevokedNotice } from '../bot/views/revokeMessages';
import { revocationWorkflowId } from '../workflows/revocation';
import type { ActivityDeps } from './deps';
import { postMessageOnce } from './postOnce';

export function createRevocationActivities(deps: ActivityDeps) {
  return {
    /** The owners to tell (not the responder, who revoked their own key knowingly) and the open reveal offers to end. */
    async listRevocationFollowUps(options: { revocationId: string; actorId: string }): Promise<{ ownerIds: string[]; offerWorkflowIds: string[]; revealedKeyIds: string[]; allOwnerIds: string[] }> {
      const keys = await deps.db.apiKey.findMany({
        where: { revocationId: options.revocationId },
        select: { id: true, ownerId: true, revealedAt: true, request: { select: { workflowId: true } } },
      });
      const allOwnerIds = [...new Set(keys.map((k) => k.ownerId))].sort();
      const ownerIds = allOwnerIds.filter((id) => id !== options.actorId);
      // A revealed key's workflow only waits to hide the key from the screen, which it still must.
      const offerWorkflowIds = keys.filter((k) => !k.revealedAt && k.request).map((k) => k.request?.workflowId as string);
      // Revealed keys have lifecycle workflows: told now, they end instead of waiting for their next timer.
      const revealedKeyIds = keys.filter((k) => k.revealedAt).map((k) => k.id);
      return { ownerIds, offerWorkflowIds, revealedKeyIds, allOwnerIds };
    },

    async notifyOwnerOfRevocation(options: { revocationId: string; ownerId: string }): Promise<void> {
      const dedupeKey = `revocation_notice:${options.revocationId}:${options.ownerId}`;
      if (await deps.db.auditEvent.findUnique({ where: { dedupeKey }, select: { id: true } })) return;
      const keys = await deps.db.apiKey.findMany({ where: { revocationId: options.revocationId, ownerId: options.ownerId }, select: KEY_FACTS, orderBy: { name: 'asc' } });
      const first = keys[0];
      if (!first) return;
      const message = buildRevokedNotice({ keys, actorId: first.revokedBy ?? 'system', reason: first.revokedReason ?? '' });
      const dm = await deps.slack.openDm({ user: options.ownerId });
      await postMessageOnce(deps, { dedupeKey, channel: dm, message });
      await recordAudit(deps.db, {
        actorId: 'system',
        action: 'key.revocation_notified',
        targetType: 'user',
        targetId: options.ownerId,
        source: `workflow:${revocationWorkflowId(options.revocationId)}`,
        details: { revocationId: options.revocationId, keyIds: keys.map((k) => k.id) },
        dedupeKey,
      });
    },
  };
}
