/**
 * Who must say yes to a key request, and when enough have. Pure and free of runtime imports, so
 * the workflow sandbox can evaluate decisions deterministically with the same rules the activities
 * use to plan them.
 *
 * The rules, from the policy's `approval` section:
 * - The base group decides: the requester's manager when `managers` names one, else `approvers`.
 * - A sensitive scope adds `sensitiveApprovers`, who must approve as well.
 * - `required` (1 or 2) distinct people must approve. With a manager and `required: 2`, the second
 *   approval may come from `approvers`.
 * - After `escalateAfter`, `escalateTo` may decide too, standing in for the ordinary approvers
 *   (manager, approvers) only: never for the sensitive approvers, whose yes is the point of a
 *   sensitive scope. (Runs that started before this rule keep the old one; see the workflow.)
 * - A mandatory group with nobody in it (or one Slack cannot list) makes a request impossible to
 *   approve: the bot refuses it at submit (see `unfillableGroups`).
 * - One approval counts for every group its approver belongs to; one denial ends the request.
 * - Nobody decides their own request: the requester is never a member of any group here.
 */
import type { Policy } from './policy';

export type ApproverRole = 'manager' | 'approvers' | 'sensitive';

/** A denial's reason is shown to the requester and kept in the audit log. */
export const DENY_REASON_MAX = 500;

export interface ApproverGroup {
  role: ApproverRole;
  /** Slack user and user-group ids as the policy lists them (for mentions and the fresh check). */
  ids: string[];
  /** At least one approval must come from this group. */
  mandatory: boolean;
}

export interface ApprovalRequirements {
  groups: ApproverGroup[];
  required: 1 | 2;
  escalateTo: string[];
  sensitiveScopes: string[];
  reminderEverySeconds: number;
  escalateAfterSeconds: number;
  timeoutSeconds: number;
  /** Post requests in this channel instead of DMs. */
  channelId: string | null;
}

/** The requirements with every group expanded to user ids: the snapshot a workflow decides on. */
export interface ApprovalPlan extends Omit<ApprovalRequirements, 'groups' | 'escalateTo'> {
  requesterId: string;
  groups: Array<ApproverGroup & { members: string[] }>;
  escalation: { ids: string[]; members: string[] };
  /** Groups Slack could not list when the plan was made: they count as empty (fail closed). */
  unreadableGroups: string[];
}

export interface ApprovalProgress {
  complete: boolean;
  /** Distinct approvers so far. */
  approvals: number;
  required: number;
  /** Mandatory groups nobody has approved for yet. */
  missingRoles: ApproverRole[];
}

export function approvalRequirements(policy: Policy, request: { requesterId: string; scopes: readonly string[] }): ApprovalRequirements {
  const { approval } = policy;
  const manager = approval.managers[request.requesterId];
  const sensitiveScopes = policy.scopes.filter((s) => s.sensitive && request.scopes.includes(s.name)).map((s) => s.name);
  const groups: ApproverGroup[] = manager
    ? [{ role: 'manager', ids: [manager], mandatory: true }, ...(approval.required === 2 ? [{ role: 'approvers' as const, ids: approval.approvers, mandatory: false }] : [])]
    : [{ role: 'approvers', ids: approval.approvers, mandatory: true }];
  if (sensitiveScopes.length > 0) groups.push({ role: 'sensitive', ids: approval.sensitiveApprovers, mandatory: true });
  return {
    groups,
    required: approval.required,
    escalateTo: approval.escalateTo,
    sensitiveScopes,
    reminderEverySeconds: approval.reminderEvery,
    escalateAfterSeconds: approval.escalateAfter,
    timeoutSeconds: approval.timeout,
    channelId: approval.channel,
  };
}

/** Every Slack id (user or group) that may decide this request at some point, escalation included. */
export function approverIdsOf(requirements: Pick<ApprovalRequirements, 'groups' | 'escalateTo'>): string[] {
  return [...new Set([...requirements.groups.flatMap((g) => g.ids), ...requirements.escalateTo])];
}

/** The users who may decide now. */
export function eligibleApprovers(plan: ApprovalPlan, escalated: boolean): string[] {
  const users = new Set(plan.groups.flatMap((g) => g.members));
  if (escalated) for (const user of plan.escalation.members) users.add(user);
  users.delete(plan.requesterId);
  return [...users];
}

/** Who the escalation group may stand in for. `legacy`: every group, the rule of runs started before the fix. */
export type EscalationReach = 'ordinary' | 'legacy';

/** Roles the escalation group may decide for: never the sensitive approvers. */
const standsInFor = (role: ApproverRole, reach: EscalationReach): boolean => reach === 'legacy' || role !== 'sensitive';

export function evaluateApprovals(plan: ApprovalPlan, approverIds: readonly string[], escalated: boolean, reach: EscalationReach = 'ordinary'): ApprovalProgress {
  const approvers = new Set(approverIds);
  const standsIn = (user: string, role: ApproverRole): boolean => escalated && standsInFor(role, reach) && plan.escalation.members.includes(user);
  const missingRoles = plan.groups
    .filter((g) => g.mandatory && ![...approvers].some((user) => g.members.includes(user) || standsIn(user, g.role)))
    .map((g) => g.role);
  return { complete: missingRoles.length === 0 && approvers.size >= plan.required, approvals: approvers.size, required: plan.required, missingRoles };
}

/** Who a reminder should go to: those whose yes would still move the request forward. */
export function pendingApprovers(plan: ApprovalPlan, decidedIds: readonly string[], escalated: boolean, reach: EscalationReach = 'ordinary'): string[] {
  const progress = evaluateApprovals(plan, decidedIds, escalated, reach);
  if (progress.complete) return [];
  const undecided = (users: string[]): string[] => users.filter((u) => u !== plan.requesterId && !decidedIds.includes(u));
  if (progress.missingRoles.length === 0) return undecided(eligibleApprovers(plan, escalated));
  const missing = plan.groups.filter((g) => progress.missingRoles.includes(g.role)).flatMap((g) => g.members);
  // The escalation group is asked only while its yes can still fill a missing group.
  const escalationHelps = escalated && progress.missingRoles.some((role) => standsInFor(role, reach));
  return undecided([...new Set([...missing, ...(escalationHelps ? plan.escalation.members : [])])]);
}

/** A mandatory group nobody can approve for: Slack could not list it, or nobody but the requester is in it. */
export interface UnfillableGroup {
  role: ApproverRole;
  ids: string[];
  why: 'unreadable' | 'empty';
}

/**
 * The mandatory groups of a request that nobody could ever approve for. Escalation cannot help a
 * sensitive group, and an ordinary group left empty is a policy mistake an admin must see at
 * once, not a request waiting days for its escalation.
 */
export function unfillableGroups(requesterId: string, groups: ReadonlyArray<ApproverGroup & { members: readonly string[]; unreadable: readonly string[] }>): UnfillableGroup[] {
  return groups
    .filter((g) => g.mandatory)
    .flatMap((g): UnfillableGroup[] => {
      if (g.unreadable.length > 0) return [{ role: g.role, ids: [...g.unreadable], why: 'unreadable' }];
      if (!g.members.some((user) => user !== requesterId)) return [{ role: g.role, ids: g.ids, why: 'empty' }];
      return [];
    });
}

export type ApprovalStatus = 'not_needed' | 'planning' | 'pending' | 'approved' | 'denied' | 'cancelled' | 'timed_out';
export type ApprovalOutcome = Extract<ApprovalStatus, 'approved' | 'denied' | 'cancelled' | 'timed_out'>;

/** Where a request's approval stands, as the workflow knows it. Times are epoch milliseconds. */
export interface ApprovalSnapshot {
  status: ApprovalStatus;
  approvals: Array<{ approverId: string; at: number }>;
  denial: { approverId: string; reason: string; at: number } | null;
  escalated: boolean;
  /** When it was approved, denied, cancelled or timed out. */
  finishedAt: number | null;
}
