/**
 * The approval's records: the plan (who may decide, groups expanded once so the workflow can
 * check every click without I/O), each decision, and the outcome. Idempotent: a retry finds the
 * row or audit event it already wrote and changes nothing.
 */
import { ApplicationFailure, Context } from '@temporalio/activity';
import { recordAudit } from '../db/audit';
import { approvalRequirements, eligibleApprovers, type ApprovalOutcome, type ApprovalPlan } from '../domain/approval';
import type { ActivityDeps } from './deps';

/** Slack may fail to list a group for a moment; after this many tries the group counts as empty. */
const PLAN_ATTEMPTS = 4;

const OUTCOME_STATUS = { approved: 'APPROVED', denied: 'DENIED', cancelled: 'CANCELLED', timed_out: 'TIMED_OUT' } as const;

export interface DecisionRecord {
  requestId: string;
  approverId: string;
  decision: 'APPROVE' | 'DENY';
  reason: string | null;
  /** Epoch ms, from the workflow's clock. */
  at: number;
  approvals: number;
  required: number;
  complete: boolean;
  /** Set when this decision ends the request: its outcome is written in the same transaction. */
  outcome?: Extract<ApprovalOutcome, 'approved' | 'denied'>;
}

type Tx = Parameters<Parameters<ActivityDeps['db']['$transaction']>[0]>[0];

/** Moves the request out of PENDING_APPROVAL, once; `by` is who ended it ("system" for the timeout). */
async function writeOutcome(tx: Tx, o: { requestId: string; workflowId: string; outcome: ApprovalOutcome; by: string; at: number }): Promise<void> {
  await tx.keyRequest.updateMany({ where: { id: o.requestId, status: 'PENDING_APPROVAL' }, data: { status: OUTCOME_STATUS[o.outcome], decidedAt: new Date(o.at) } });
  await recordAudit(tx, { actorId: o.by, action: `request.${o.outcome}`, targetType: 'request', targetId: o.requestId, source: `workflow:${o.workflowId}`, dedupeKey: `outcome:${o.requestId}` });
}

export function createApprovalActivities(deps: ActivityDeps) {
  return {
    async planApproval(options: { requestId: string }): Promise<ApprovalPlan> {
      const request = await deps.db.keyRequest.findUniqueOrThrow({ where: { id: options.requestId }, select: { requesterId: true, scopes: true } });
      const requirements = approvalRequirements(deps.policy, request);
      const unreadable = new Set<string>();
      // Nobody decides their own request: the requester is left out of every group here.
      const expand = async (ids: string[]): Promise<string[]> => {
        const resolved = await deps.roles.resolve(ids);
        resolved.unreadable.forEach((id) => unreadable.add(id));
        return resolved.users.filter((user) => user !== request.requesterId);
      };
      const groups = [];
      for (const group of requirements.groups) groups.push({ ...group, members: await expand(group.ids) });
      const escalation = { ids: requirements.escalateTo, members: await expand(requirements.escalateTo) };
      if (unreadable.size > 0 && Context.current().info.attempt < PLAN_ATTEMPTS) {
        throw ApplicationFailure.retryable(`Slack could not list the user groups ${[...unreadable].join(', ')}`, 'GroupUnreadable');
      }
      const { escalateTo: _escalateTo, ...rest } = requirements;
      const plan: ApprovalPlan = { ...rest, requesterId: request.requesterId, groups, escalation, unreadableGroups: [...unreadable] };
      if (unreadable.size > 0) deps.log.warn('approver groups unreadable; they count as empty for this request', { requestId: options.requestId, groups: plan.unreadableGroups });
      await deps.db.keyRequest.update({ where: { id: options.requestId }, data: { approverIds: eligibleApprovers(plan, false) } });
      return plan;
    },

    async recordApprovalDecision(record: DecisionRecord): Promise<void> {
      await deps.db.$transaction(async (tx) => {
        await tx.approvalDecision.createMany({
          data: [{ id: `${record.requestId}:${record.approverId}`, requestId: record.requestId, approverId: record.approverId, decision: record.decision, reason: record.reason, decidedAt: new Date(record.at) }],
          skipDuplicates: true,
        });
        const request = await tx.keyRequest.findUniqueOrThrow({ where: { id: record.requestId }, select: { workflowId: true } });
        await recordAudit(tx, {
          actorId: record.approverId,
          action: record.decision === 'APPROVE' ? 'approval.approved' : 'approval.denied',
          targetType: 'request',
          targetId: record.requestId,
          source: `workflow:${request.workflowId}`,
          details: record.decision === 'APPROVE' ? { approvals: record.approvals, required: record.required, complete: record.complete } : { reason: record.reason },
          dedupeKey: `decision:${record.requestId}:${record.approverId}`,
        });
        // One transaction instead of a second activity: the requester's key waits on this path.
        if (record.outcome) await writeOutcome(tx, { requestId: record.requestId, workflowId: request.workflowId, outcome: record.outcome, by: record.approverId, at: record.at });
      });
    },

    /** For outcomes no decision carries: a cancellation or the timeout. */
    async recordApprovalOutcome(options: { requestId: string; outcome: ApprovalOutcome; by: string; at: number }): Promise<void> {
      await deps.db.$transaction(async (tx) => {
        const request = await tx.keyRequest.findUniqueOrThrow({ where: { id: options.requestId }, select: { workflowId: true } });
        await writeOutcome(tx, { ...options, workflowId: request.workflowId });
      });
    },
  };
}
