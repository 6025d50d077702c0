/**
 * A key as its lifecycle sees it: the store's row narrowed to what plans the next wake-up. Read by
 * the lifecycle activities and, for whole pages of keys at once, by start-up reconciliation.
 */
import type { Prisma } from '../generated/prisma/client';
import type { LifecycleFacts, NoticeSchedule } from '../domain/lifecyclePlan';
import type { Policy } from '../domain/policy';

export const LIFECYCLE_KEY_SELECT = {
  id: true,
  ownerId: true,
  name: true,
  maskedKey: true,
  environment: true,
  scopes: true,
  status: true,
  expiresAt: true,
  revealedAt: true,
  lastUsedAt: true,
  keptAt: true,
  unusedNoticeAt: true,
  graceEndsAt: true,
  firstCallAt: true,
  firstCallSettledAt: true,
  firstCallNudgedAt: true,
  rotatedTo: { where: { status: 'ACTIVE' }, select: { id: true }, orderBy: { revealedAt: 'desc' }, take: 1 },
} as const satisfies Prisma.ApiKeySelect;

export type LifecycleKey = Prisma.ApiKeyGetPayload<{ select: typeof LIFECYCLE_KEY_SELECT }>;

const ms = (date: Date | null): number | null => (date ? date.getTime() : null);

export function toLifecycleFacts(key: LifecycleKey | null): LifecycleFacts | null {
  if (!key) return null;
  return {
    status: key.status,
    ownerId: key.ownerId,
    expiresAtMs: key.expiresAt.getTime(),
    revealedAtMs: ms(key.revealedAt),
    lastUsedAtMs: ms(key.lastUsedAt),
    keptAtMs: ms(key.keptAt),
    unusedNoticeAtMs: ms(key.unusedNoticeAt),
    graceEndsAtMs: ms(key.graceEndsAt),
    replacementKeyId: key.graceEndsAt ? (key.rotatedTo[0]?.id ?? null) : null,
    firstCallAtMs: ms(key.firstCallAt),
    firstCallSettledAtMs: ms(key.firstCallSettledAt),
    firstCallNudgedAtMs: ms(key.firstCallNudgedAt),
  };
}

export function noticeScheduleOf(policy: Policy): NoticeSchedule {
  return {
    expiryNoticeSeconds: policy.notices.expiry,
    unusedAfterSeconds: policy.notices.unusedAfter,
    neverUsedAfterSeconds: policy.notices.neverUsedAfter,
    defaultGraceSeconds: policy.rotation.defaultGrace,
    firstCallNudgeAfterSeconds: policy.firstCall.nudgeAfter === false ? null : policy.firstCall.nudgeAfter,
  };
}
