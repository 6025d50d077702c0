/**
 * What the Approve, Deny and Cancel listeners share: quick checks against the store and the
 * current group membership, then the workflow update whose validator has the last word, and an
 * audited refusal when anything says no.
 *
 * The checks here are not the authority (the workflow's validator is); they answer the obvious
 * cases without a round trip, and they add one thing the workflow cannot know: whether the clicker
 * is still in the approver group today, not just when the request was made.
 */
import { WorkflowNotFoundError, type WorkflowHandle } from '@temporalio/client';
import { z } from 'zod';
import { recordAudit } from '../../db/audit';
import { approvalRequirements, approverIdsOf } from '../../domain/approval';
import { REQUEST_ID_RE } from '../../domain/ids';
import { refusalCode, sendUpdateRetrying, UpdateUnavailable } from '../../temporal/updates';
import { APPROVAL_REFUSALS, type ApprovalRefusal, type DecisionResult } from '../../workflows/approval';
import type { BotDeps } from '../deps';
import type { Refusal } from '../views/approvalReplies';

export type DecisionAction = 'approve' | 'deny' | 'cancel';

const requestSelect = {
  id: true,
  requesterId: true,
  name: true,
  environment: true,
  scopes: true,
  lifetimeSeconds: true,
  reason: true,
  createdAt: true,
  status: true,
  needsApproval: true,
  workflowId: true,
  decisions: { select: { approverId: true, decidedAt: true }, orderBy: { decidedAt: 'asc' } },
} as const;

export type StoredRequest = NonNullable<Awaited<ReturnType<typeof loadRequest>>>;

export type Checked = { ok: true; request: StoredRequest } | { ok: false; refusal: Refusal; request: StoredRequest | null };

function loadRequest(deps: BotDeps, requestId: string) {
  return deps.db.keyRequest.findUnique({ where: { id: requestId }, select: requestSelect });
}

/** The refusal a stored status implies, or null while the request is pending. */
function refusalForStatus(request: StoredRequest): Refusal | null {
  if (!request.needsApproval) return 'NOT_PENDING';
  switch (request.status) {
    case 'PENDING_APPROVAL':
      return null;
    case 'APPROVED':
    case 'FULFILLED':
      return 'ALREADY_APPROVED';
    case 'DENIED':
    case 'REJECTED':
      return 'ALREADY_DENIED';
    case 'CANCELLED':
      return 'ALREADY_CANCELLED';
    case 'TIMED_OUT':
      return 'ALREADY_TIMED_OUT';
  }
}

/** Checks a click before it reaches the workflow, in the validator's order. */
export async function checkClick(options: { deps: BotDeps; requestId: unknown; userId: string; action: DecisionAction }): Promise<Checked> {
  const { deps, userId } = options;
  const id = z.string().regex(REQUEST_ID_RE).safeParse(options.requestId);
  const request = id.success ? await loadRequest(deps, id.data) : null;
  if (!request) return { ok: false, refusal: 'GONE', request: null };
  if (options.action === 'cancel') {
    if (request.requesterId !== userId) return { ok: false, refusal: 'NOT_REQUESTER', request };
  } else {
    if (request.requesterId === userId) return { ok: false, refusal: 'SELF_APPROVAL', request };
    // Fails closed: a group Slack cannot list right now counts as empty.
    const ids = approverIdsOf(approvalRequirements(deps.policy, request));
    if (!(await deps.roles.isListed(userId, ids))) return { ok: false, refusal: 'NOT_APPROVER', request };
  }
  const refusal = refusalForStatus(request);
  return refusal ? { ok: false, refusal, request } : { ok: true, request };
}

/**
 * How long a decision waits for a workflow that cannot take it yet (Temporal restarting, or the
 * workflow replaying after a worker restart); past it the clicker is asked to click again.
 */
export const DECISION_DEADLINE_MS = 45_000;

/**
 * Sends the update; a refusal by its validator comes back as a value, anything else throws.
 * NOT_READY is sent again until the deadline: the store says the request is pending and the click
 * came from a message posted after the plan was made, so the workflow has not caught up yet.
 */
export async function sendDecision(options: {
  deps: BotDeps;
  request: StoredRequest;
  run: (handle: WorkflowHandle) => Promise<DecisionResult>;
}): Promise<{ ok: true; result: DecisionResult } | { ok: false; refusal: Refusal; request: StoredRequest }> {
  const handle = options.deps.temporal.workflow.getHandle(options.request.workflowId);
  try {
    const result = await sendUpdateRetrying(() => options.run(handle), { deadlineMs: DECISION_DEADLINE_MS, notYet: (error) => refusalCode(error) === 'NOT_READY' });
    return { ok: true, result };
  } catch (error) {
    if (error instanceof UpdateUnavailable) {
      options.deps.log.error('an approval click could not reach its workflow; the clicker is told to click again', { requestId: options.request.id, error: (error.last as Error)?.message });
      return { ok: false, refusal: refusalCode(error.last) === 'NOT_READY' ? 'NOT_READY' : 'UNAVAILABLE', request: options.request };
    }
    const code = refusalCode(error);
    if (code !== null && (APPROVAL_REFUSALS as readonly string[]).includes(code)) return { ok: false, refusal: code as ApprovalRefusal, request: await reload(options) };
    // The workflow ended between the check and the click: the store says how.
    if (error instanceof WorkflowNotFoundError) {
      const request = await reload(options);
      return { ok: false, refusal: refusalForStatus(request) ?? 'GONE', request };
    }
    throw error;
  }
}

async function reload(options: { deps: BotDeps; request: StoredRequest }): Promise<StoredRequest> {
  return (await loadRequest(options.deps, options.request.id)) ?? options.request;
}

export async function auditRefusal(options: { deps: BotDeps; userId: string; requestId: string; action: DecisionAction; refusal: Refusal; source: string }): Promise<void> {
  await recordAudit(options.deps.db, {
    actorId: options.userId,
    action: 'approval.refused',
    targetType: 'request',
    targetId: options.requestId.slice(0, 64),
    source: options.source,
    details: { why: options.refusal, action: options.action },
  });
  options.deps.log.info('approval click refused', { requestId: options.requestId, userId: options.userId, action: options.action, why: options.refusal });
}

/** The approvers who already decided, for "already approved by …". */
export function decidedBy(request: StoredRequest | null): string[] {
  return request?.decisions.map((d) => d.approverId) ?? [];
}
