/**
 * When a key's lifecycle workflow wakes up next, and why. Pure arithmetic on times in epoch
 * milliseconds, with no imports, so the workflow sandbox can use it and unit tests can pin it.
 *
 *   expiry notices  at expiresAt − each offset of the policy's schedule (e.g. 14d, 3d, 1d); a notice
 *                   whose time was already past when this expiry was set (a 7-day key and the
 *                   14-day notice) is skipped, and notices overdue together (a worker down for a
 *                   day) collapse into the most urgent one
 *   expiry          at expiresAt
 *   usage check     never used: neverUsedAfter after the reveal; otherwise unusedAfter after the
 *                   latest of last use, the last unused notice and the owner's Keep
 *   first call      a few seconds after the key's first call (gateways report outcomes in
 *                   batches: a reported error can then be named), until the owner was told; while
 *                   there is none, one nudge at the policy's firstCall.nudgeAfter after the reveal
 */
export interface LifecycleFacts {
  status: 'PENDING_REVEAL' | 'ACTIVE' | 'EXPIRED' | 'REVOKED';
  ownerId: string;
  expiresAtMs: number;
  revealedAtMs: number | null;
  lastUsedAtMs: number | null;
  keptAtMs: number | null;
  unusedNoticeAtMs: number | null;
  /** Set while a rotation's grace period runs: the key is revoked then. */
  graceEndsAtMs: number | null;
  /** The key that replaces this one, once a rotation's new key was revealed. */
  replacementKeyId: string | null;
  /**
   * The first call and what became of it. Optional: facts recorded in histories from before
   * first calls were tracked lack them, and those runs must replay as they ran.
   */
  firstCallAtMs?: number | null;
  /** The owner was told of the first call (or the key predates first-call tracking). */
  firstCallSettledAtMs?: number | null;
  firstCallNudgedAtMs?: number | null;
}

export interface NoticeSchedule {
  /** Seconds before expiry, e.g. [1209600, 259200, 86400]. */
  expiryNoticeSeconds: number[];
  unusedAfterSeconds: number;
  neverUsedAfterSeconds: number;
  /** "Extend grace" adds this when the rotation's own grace is not known (a healed workflow). */
  defaultGraceSeconds: number;
  /** The nudge for a key not used yet, after the reveal; null: none. Absent in older histories. */
  firstCallNudgeAfterSeconds?: number | null;
}

/** Which expiry notices went out for which expiry; an extension starts a fresh plan. */
export interface ExpiryNoticePlan {
  expiresAtMs: number;
  /** Notices due before this time are skipped: they were past when the expiry was set. */
  plannedFromMs: number;
  sentBeforeSeconds: number[];
}

export type UsageCheckKind = 'never_used' | 'unused';

export function freshNoticePlan(expiresAtMs: number, nowMs: number): ExpiryNoticePlan {
  return { expiresAtMs, plannedFromMs: nowMs, sentBeforeSeconds: [] };
}

/** Keeps a plan across a reload (continue-as-new) when the expiry did not change meanwhile. */
export function carryNoticePlan(plan: ExpiryNoticePlan | undefined, expiresAtMs: number, nowMs: number): ExpiryNoticePlan {
  return plan && plan.expiresAtMs === expiresAtMs ? plan : freshNoticePlan(expiresAtMs, nowMs);
}

function pendingNotices(plan: ExpiryNoticePlan, schedule: NoticeSchedule): Array<{ atMs: number; beforeSeconds: number }> {
  return [...new Set(schedule.expiryNoticeSeconds)]
    .filter((before) => !plan.sentBeforeSeconds.includes(before))
    .map((before) => ({ atMs: plan.expiresAtMs - before * 1000, beforeSeconds: before }))
    .filter((n) => n.atMs >= plan.plannedFromMs && n.atMs < plan.expiresAtMs);
}

export function nextExpiryNotice(plan: ExpiryNoticePlan, schedule: NoticeSchedule): { atMs: number; beforeSeconds: number } | null {
  const pending = pendingNotices(plan, schedule).sort((a, b) => a.atMs - b.atMs);
  return pending[0] ?? null;
}

/**
 * The notices due at `nowMs`: the one to send (the most urgent) and the plan with every due one
 * marked sent, so overdue notices never arrive as a burst.
 */
export function takeDueNotices(plan: ExpiryNoticePlan, schedule: NoticeSchedule, nowMs: number): { send: number | null; plan: ExpiryNoticePlan } {
  const due = pendingNotices(plan, schedule).filter((n) => n.atMs <= nowMs);
  if (due.length === 0) return { send: null, plan };
  const send = Math.min(...due.map((n) => n.beforeSeconds));
  return { send, plan: { ...plan, sentBeforeSeconds: [...plan.sentBeforeSeconds, ...due.map((n) => n.beforeSeconds)] } };
}

export function usageCheck(facts: LifecycleFacts, schedule: NoticeSchedule): { atMs: number; kind: UsageCheckKind } | null {
  if (facts.revealedAtMs === null) return null;
  if (facts.lastUsedAtMs === null && facts.unusedNoticeAtMs === null && facts.keptAtMs === null) {
    return { atMs: facts.revealedAtMs + schedule.neverUsedAfterSeconds * 1000, kind: 'never_used' };
  }
  const since = Math.max(facts.lastUsedAtMs ?? facts.revealedAtMs, facts.keptAtMs ?? 0, facts.unusedNoticeAtMs ?? 0);
  return { atMs: since + schedule.unusedAfterSeconds * 1000, kind: facts.lastUsedAtMs === null ? 'never_used' : 'unused' };
}

/** When the owner is shown how both keys were used, before a rotation's grace ends. */
export function rotationCheckAt(graceEndsAtMs: number, graceSeconds: number): number {
  return graceEndsAtMs - Math.min((graceSeconds * 1000) / 2, 24 * 3600 * 1000);
}

/** How long after a first call its report waits for the gateway's report of the same request. */
export const FIRST_CALL_SETTLE_MS = 5_000;

export type FirstCallWakeKind = 'first_call' | 'first_call_nudge';

/** The first-call wake-up still ahead: the report of a first call, or the nudge while there is none. */
export function firstCallWake(facts: LifecycleFacts, schedule: NoticeSchedule): { kind: FirstCallWakeKind; atMs: number } | null {
  if (facts.revealedAtMs === null || facts.firstCallSettledAtMs != null) return null;
  if (facts.firstCallAtMs != null) return { kind: 'first_call', atMs: facts.firstCallAtMs + FIRST_CALL_SETTLE_MS };
  const nudgeAfter = schedule.firstCallNudgeAfterSeconds;
  if (nudgeAfter == null || facts.firstCallNudgedAtMs != null) return null;
  return { kind: 'first_call_nudge', atMs: facts.revealedAtMs + nudgeAfter * 1000 };
}
