/**
 * The approval stage of keyRequestWorkflow: ask the approvers, take their decisions, remind,
 * escalate, and expire the request when nobody decides in time.
 *
 * Decisions arrive as updates whose validators give the clicker the truthful answer at once (not
 * an approver, your own request, already decided, expired). A validator cannot do I/O, so the
 * approver groups are expanded once, by the planApproval activity, into a plan kept in workflow
 * state: the people who got the buttons are exactly the people whose clicks count, and a replay
 * decides the same way. (The bot also checks current group membership before it sends a click, so
 * someone removed from a group since the request was made is refused too.)
 *
 * Every "later" is a durable timer, and handlers change state before their first await, so a
 * decision and the timeout cannot both win: whichever the workflow sees first ends the request and
 * the other is refused.
 */
import { ActivityFailure, allHandlersFinished, condition, log, patched, setHandler } from '@temporalio/workflow';
import {
  DENY_REASON_MAX,
  eligibleApprovers,
  evaluateApprovals,
  pendingApprovers,
  type ApprovalOutcome,
  type ApprovalPlan,
  type ApprovalSnapshot,
  type ApprovalStatus,
  type EscalationReach,
} from '../domain/approval';
import { approvalQuery, approveUpdate, cancelUpdate, denyUpdate, type ApprovalRefusal } from './approvalUpdates';
import { slack, store, storeNow } from './proxies';

export * from './approvalUpdates';

/**
 * Patch: the escalation group stands in for the ordinary approvers only, never the sensitive ones.
 * Runs that planned their approval before it keep the old rule, so their histories replay as they
 * ran; the longest of them ends with its approval timeout, after which deprecatePatch.
 */
export const ESCALATION_ORDINARY_ONLY = 'escalation-ordinary-only';

export interface Approval {
  /** Asks, then waits for the outcome: approved, denied, cancelled or timed out. */
  run(): Promise<ApprovalOutcome>;
  /** Brings every approval message up to date (the outcome, who and when; buttons gone). */
  announce(): Promise<void>;
}

function refuse(code: ApprovalRefusal): never {
  throw new Error(code);
}

const FINISHED_REFUSAL: Partial<Record<ApprovalStatus, ApprovalRefusal>> = {
  approved: 'ALREADY_APPROVED',
  denied: 'ALREADY_DENIED',
  cancelled: 'ALREADY_CANCELLED',
  timed_out: 'ALREADY_TIMED_OUT',
};

/** Registers the decision handlers; call it first thing, so an early click gets a real answer. */
export function setUpApproval(request: { requestId: string; requesterId: string; needsApproval: boolean }): Approval {
  const { requestId } = request;
  let status: ApprovalStatus = request.needsApproval ? 'planning' : 'not_needed';
  let plan: ApprovalPlan | null = null;
  const approvals: ApprovalSnapshot['approvals'] = [];
  let denial: ApprovalSnapshot['denial'] = null;
  let escalated = false;
  let reach: EscalationReach = 'ordinary';
  let finishedAt: number | null = null;
  let endedBy = 'system';
  // A deciding approval or a denial records the outcome with the decision, in one activity.
  let outcomeRecorded = false;
  // Handlers change these between awaits; read through functions so TypeScript does not narrow.
  const statusNow = (): ApprovalStatus => status;
  const snapshot = (): ApprovalSnapshot => ({ status, approvals: [...approvals], denial, escalated, finishedAt });
  const finish = (outcome: ApprovalOutcome, by: string): void => {
    status = outcome;
    finishedAt = Date.now();
    endedBy = by;
  };

  const refuseUnlessOpen = (): ApprovalPlan => {
    if (status === 'not_needed') refuse('NOT_PENDING');
    if (status === 'planning' || plan === null) refuse('NOT_READY');
    return plan;
  };
  const validateDecision = (approverId: unknown): void => {
    const current = refuseUnlessOpen();
    if (approverId === request.requesterId) refuse('SELF_APPROVAL');
    if (typeof approverId !== 'string' || !eligibleApprovers(current, escalated).includes(approverId)) refuse('NOT_APPROVER');
    const finished = FINISHED_REFUSAL[status];
    if (finished) refuse(finished);
    if (approvals.some((a) => a.approverId === approverId)) refuse('ALREADY_DECIDED_BY_YOU');
  };

  setHandler(approvalQuery, snapshot);
  setHandler(
    approveUpdate,
    async ({ approverId }) => {
      const at = Date.now();
      approvals.push({ approverId, at });
      const progress = evaluateApprovals(plan as ApprovalPlan, approvals.map((a) => a.approverId), escalated, reach);
      if (progress.complete) finish('approved', approverId);
      await storeNow.recordApprovalDecision({
        requestId,
        approverId,
        decision: 'APPROVE',
        reason: null,
        at,
        approvals: progress.approvals,
        required: progress.required,
        complete: progress.complete,
        ...(progress.complete ? { outcome: 'approved' as const } : {}),
      });
      if (progress.complete) {
        outcomeRecorded = true;
        return { outcome: 'APPROVED' };
      }
      return { outcome: 'MORE_NEEDED', approvals: progress.approvals, required: progress.required, missingRoles: progress.missingRoles };
    },
    { validator: (args) => validateDecision(args?.approverId) },
  );
  setHandler(
    denyUpdate,
    async ({ approverId, reason }) => {
      finish('denied', approverId);
      denial = { approverId, reason: reason.trim(), at: finishedAt as number };
      await storeNow.recordApprovalDecision({ requestId, approverId, decision: 'DENY', reason: denial.reason, at: denial.at, approvals: approvals.length, required: plan?.required ?? 1, complete: true, outcome: 'denied' });
      outcomeRecorded = true;
      return { outcome: 'DENIED' };
    },
    {
      validator: (args) => {
        validateDecision(args?.approverId);
        const reason = typeof args?.reason === 'string' ? args.reason.trim() : '';
        if (reason.length === 0 || reason.length > DENY_REASON_MAX) refuse('REASON_REQUIRED');
      },
    },
  );
  setHandler(
    cancelUpdate,
    async ({ userId }) => {
      finish('cancelled', userId);
      return { outcome: 'CANCELLED' };
    },
    {
      validator: (args) => {
        refuseUnlessOpen();
        if (args?.userId !== request.requesterId) refuse('NOT_REQUESTER');
        const finished = FINISHED_REFUSAL[status];
        if (finished) refuse(finished);
      },
    },
  );

  /**
   * Reminders, the escalation and progress updates are courtesy: if Slack refuses them for
   * minutes, the request still stands, its timers still run and /apikey approvals still lists it.
   */
  const bestEffort = async (what: string, call: () => Promise<void>): Promise<void> => {
    try {
      await call();
    } catch (error) {
      if (!(error instanceof ActivityFailure)) throw error;
      log.error('approval message failed; the request goes on', { requestId, what, error: error.cause?.message ?? error.message });
    }
  };

  const announce = (): Promise<void> => bestEffort('update the messages', () => slack.announceApproval({ requestId, plan: plan as ApprovalPlan, snapshot: snapshot() }));

  const waitForDecision = async (current: ApprovalPlan): Promise<void> => {
    const startedAt = Date.now();
    const deadline = startedAt + current.timeoutSeconds * 1000;
    const escalateAt = current.escalation.members.length > 0 ? startedAt + current.escalateAfterSeconds * 1000 : Infinity;
    const reminderEvery = current.reminderEverySeconds * 1000;
    let nextReminder = startedAt + reminderEvery;
    let round = 0;
    let shownApprovals = 0;
    const decidedIds = (): string[] => approvals.map((a) => a.approverId);

    while (statusNow() === 'pending') {
      const nextEvent = Math.min(deadline, nextReminder, escalated ? Infinity : escalateAt);
      await condition(() => statusNow() !== 'pending' || approvals.length !== shownApprovals, Math.max(1, nextEvent - Date.now()));
      if (statusNow() !== 'pending') return;
      if (approvals.length !== shownApprovals) {
        shownApprovals = approvals.length;
        await announce();
        continue;
      }
      const now = Date.now();
      const waitedSeconds = Math.round((now - startedAt) / 1000);
      if (now >= deadline) return finish('timed_out', 'system');
      if (!escalated && now >= escalateAt) {
        // Before the activity: the escalation group may click as soon as they are told.
        escalated = true;
        await bestEffort('escalate', () => slack.escalateApproval({ requestId, plan: current, snapshot: snapshot(), waitedSeconds }));
      }
      if (now >= nextReminder) {
        round += 1;
        nextReminder += reminderEvery;
        const userIds = pendingApprovers(current, decidedIds(), escalated, reach);
        await bestEffort('remind', () => slack.remindApprovers({ requestId, plan: current, round, userIds, waitedSeconds }));
      }
    }
  };

  return {
    announce,
    async run() {
      const current = await store.planApproval({ requestId });
      // Decided once, before any click can count (validators refuse until the plan is set).
      reach = patched(ESCALATION_ORDINARY_ONLY) ? 'ordinary' : 'legacy';
      plan = current;
      status = 'pending';
      await bestEffort('ask the approvers', () => slack.askApprovers({ requestId, plan: current }));
      await waitForDecision(current);
      // The deciding click's handler records the decision with its outcome; wait for it.
      await condition(allHandlersFinished);
      const outcome = statusNow() as ApprovalOutcome;
      if (!outcomeRecorded) await store.recordApprovalOutcome({ requestId, outcome, by: endedBy, at: finishedAt ?? Date.now() });
      return outcome;
    },
  };
}
