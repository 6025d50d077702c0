/**
 * The approval stage's updates and query: what the bot sends when someone clicks Approve, Deny or
 * Cancel, what comes back, and the codes a validator refuses with. Re-exported by keyRequest.ts,
 * next to the workflow they belong to.
 */
import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { ApprovalSnapshot, ApproverRole } from '../domain/approval';

export interface ApproveArgs {
  approverId: string;
}
export interface DenyArgs {
  approverId: string;
  reason: string;
}
export interface CancelArgs {
  userId: string;
}

export type DecisionResult =
  | { outcome: 'APPROVED' }
  | { outcome: 'MORE_NEEDED'; approvals: number; required: number; missingRoles: ApproverRole[] }
  | { outcome: 'DENIED' }
  | { outcome: 'CANCELLED' };

/** Why a decision is refused; the bot turns each into words for the clicker. */
export const APPROVAL_REFUSALS = [
  'NOT_PENDING',
  'NOT_READY',
  'SELF_APPROVAL',
  'NOT_APPROVER',
  'NOT_REQUESTER',
  'ALREADY_DECIDED_BY_YOU',
  'ALREADY_APPROVED',
  'ALREADY_DENIED',
  'ALREADY_CANCELLED',
  'ALREADY_TIMED_OUT',
  'REASON_REQUIRED',
] as const;
export type ApprovalRefusal = (typeof APPROVAL_REFUSALS)[number];

export const approveUpdate = defineUpdate<DecisionResult, [ApproveArgs]>('approve');
export const denyUpdate = defineUpdate<DecisionResult, [DenyArgs]>('deny');
export const cancelUpdate = defineUpdate<DecisionResult, [CancelArgs]>('cancel');
export const approvalQuery = defineQuery<ApprovalSnapshot>('approval');
