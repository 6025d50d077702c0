/**
 * Tells a key's owner when it has used 80% and 100% of its monthly quota, once per key, month and
 * threshold however many API processes see it cross. Each notice is claimed first (a row in
 * quota_notice_claims, unique per key, month and threshold), then posted and audited; a post that
 * fails gives the claim back, so a later verification tries again. The audit log itself is
 * append-only. Verification never waits for any of it.
 */
import type { SlackGateway } from '../activities/slackGateway';
import { buildQuotaNotice } from '../bot/views/quotaNotice';
import { recordAudit } from '../db/audit';
import type { Db } from '../db/client';
import { nextMonthStart, quotaMonth } from '../domain/rateLimit';
import type { Logger } from '../runtime/log';

export const QUOTA_THRESHOLDS = [80, 100] as const;

export interface QuotaNotices {
  observe(use: { keyId: string; ownerId: string; used: number; quota: number; now: Date }): void;
  /** Resolves when the notices under way are sent (tests, shutdown). */
  settled(): Promise<void>;
}

export function createQuotaNotices(options: { db: Db; slack: Pick<SlackGateway, 'openDm' | 'postMessage'>; log: Logger }): QuotaNotices {
  const { db, log } = options;
  /** Notices this process sent or saw claimed: the common case costs no query. */
  const done = new Set<string>();
  const pending = new Set<Promise<void>>();

  const send = async (use: { keyId: string; ownerId: string; used: number; quota: number; now: Date }, threshold: number, dedupeKey: string): Promise<void> => {
    const claim = await db.quotaNoticeClaim.createMany({ data: [{ id: dedupeKey }], skipDuplicates: true });
    if (claim.count === 0) return;
    try {
      const key = await db.apiKey.findUnique({ where: { id: use.keyId }, select: { name: true, maskedKey: true, environment: true } });
      if (!key) return;
      const channel = await options.slack.openDm({ user: use.ownerId });
      await options.slack.postMessage({ channel, ...buildQuotaNotice({ ...key, threshold, used: use.used, quota: use.quota, resetsAt: nextMonthStart(use.now) }) });
      log.info('quota notice sent', { keyId: use.keyId, threshold });
    } catch (error) {
      await db.quotaNoticeClaim.deleteMany({ where: { id: dedupeKey } });
      throw error;
    }
    await recordAudit(db, { actorId: 'api', action: 'key.quota_notice', targetType: 'key', targetId: use.keyId, source: 'api', details: { threshold, used: use.used, quota: use.quota }, dedupeKey });
  };

  return {
    observe(use) {
      // Only the highest threshold reached is posted: a key first seen at 100% gets one notice, not two.
      const reached = QUOTA_THRESHOLDS.filter((t) => use.used * 100 >= t * use.quota);
      const threshold = reached[reached.length - 1];
      if (threshold === undefined) return;
      const month = quotaMonth(use.now);
      const id = `quota-notice:${use.keyId}:${month}:${threshold}`;
      if (done.has(id)) return;
      for (const t of reached) done.add(`quota-notice:${use.keyId}:${month}:${t}`);
      const sending = send(use, threshold, id)
        .catch((error: unknown) => {
          done.delete(id);
          log.error('could not send a quota notice; a later verification retries', { keyId: use.keyId, threshold, error });
        })
        .finally(() => pending.delete(sending));
      pending.add(sending);
    },
    async settled() {
      await Promise.all([...pending]);
    },
  };
}
