/** The ephemeral answers to an Approve, Deny or Cancel click: what happened, or why nothing did. */
import type { ApprovalRefusal, DecisionResult } from '../../workflows/approval';
import { plainSummary, type ApprovalCard } from './approvalCard';
import { mention } from './format';

/** The workflow's refusals, and two only the bot can give: the request is gone, or Temporal could not take the click in time. */
export type Refusal = ApprovalRefusal | 'GONE' | 'UNAVAILABLE';

export interface RefusalContext {
  /** Who already decided, for "already approved by …". */
  decidedBy: string[];
}

export function refusalText(refusal: Refusal, context: RefusalContext = { decidedBy: [] }): string {
  const by = context.decidedBy.length > 0 ? ` by ${context.decidedBy.map(mention).join(' and ')}` : '';
  switch (refusal) {
    case 'GONE':
      return 'This request no longer exists.';
    case 'UNAVAILABLE':
      return 'keyops could not record your click just now (it is restarting), so nothing changed. Click again in a minute.';
    case 'NOT_PENDING':
      return 'This request did not need approval.';
    case 'NOT_READY':
      return 'This request is still being set up; try again in a moment.';
    case 'SELF_APPROVAL':
      return 'You cannot decide your own request: one of its approvers has to.';
    case 'NOT_APPROVER':
      return 'You are not one of the approvers of this request, so your click changed nothing.';
    case 'NOT_REQUESTER':
      return 'Only the person who asked for this key can cancel the request.';
    case 'ALREADY_DECIDED_BY_YOU':
      return 'You already decided on this request; it is waiting for another approver.';
    case 'ALREADY_APPROVED':
      return `This request was already approved${by}.`;
    case 'ALREADY_DENIED':
      return `This request was already denied${by}.`;
    case 'ALREADY_CANCELLED':
      return 'The requester cancelled this request.';
    case 'ALREADY_TIMED_OUT':
      return 'This request expired: nobody decided in time. The requester can ask again.';
    case 'REASON_REQUIRED':
      return 'Say why you deny it (up to 500 characters): the requester reads the reason.';
  }
}

export function decisionReply(input: { result: DecisionResult; card: ApprovalCard; stillNeeded: string | null }): string {
  const what = plainSummary(input.card);
  switch (input.result.outcome) {
    case 'APPROVED':
      return `:white_check_mark: You approved ${what} for ${mention(input.card.requesterId)}. They get their key now.`;
    case 'MORE_NEEDED':
      return `:white_check_mark: You approved ${what}. It still needs ${input.stillNeeded ?? 'another approval'}.`;
    case 'DENIED':
      return `:no_entry: You denied ${what}. ${mention(input.card.requesterId)} has been told why.`;
    case 'CANCELLED':
      return `:no_entry_sign: You cancelled your request for ${what}. No key will be created.`;
  }
}
