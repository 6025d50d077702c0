/**
 * What approvers see: the request with its Approve and Deny buttons (in a DM or the approvals
 * channel), reminders, the escalation, and the same message once decided, buttons gone.
 */
import type { ActionsBlock, KnownBlock } from '@slack/types';
import type { ApprovalRequirements } from '../../domain/approval';
import { formatDuration } from '../../domain/duration';
import { approvalActionId, approvalBlockId, COMMAND } from '../ids';
import { cardFields, cardTitle, plainSummary, reasonBlock, requestedLine, stateLine, whoDecides, type ApprovalCard, type ApprovalState, type Message } from './approvalCard';
import { escapeMrkdwn, mention, mentionList } from './format';

type Who = Pick<ApprovalRequirements, 'groups' | 'required' | 'sensitiveScopes'>;

export function approvalButtons(requestId: string): ActionsBlock {
  return {
    type: 'actions',
    block_id: approvalBlockId(requestId),
    elements: [
      { type: 'button', action_id: approvalActionId('approveRequest', requestId), text: { type: 'plain_text', text: 'Approve' }, style: 'primary', value: requestId },
      { type: 'button', action_id: approvalActionId('denyRequest', requestId), text: { type: 'plain_text', text: 'Deny' }, style: 'danger', value: requestId },
    ],
  };
}

/**
 * The approver's message. Pending, it ends with the buttons; decided, with the outcome, who and
 * when. `banner` heads it (e.g. the escalation's "nobody has decided for 24h").
 */
export function buildApprovalRequest(input: { card: ApprovalCard; who: Who; state: ApprovalState; banner?: string }): Message {
  const { card, state } = input;
  const pending = state.kind === 'pending';
  const blocks: KnownBlock[] = [
    ...(input.banner ? [{ type: 'section' as const, text: { type: 'mrkdwn' as const, text: input.banner } }] : []),
    { type: 'section', text: { type: 'mrkdwn', text: `:raised_hand: ${cardTitle(card)}` } },
    cardFields(card),
    reasonBlock(card.reason),
    { type: 'context', elements: [{ type: 'mrkdwn', text: `Needs ${whoDecides(input.who)}. ${requestedLine(card)}.` }] },
    { type: 'section', text: { type: 'mrkdwn', text: stateLine(state) } },
    ...(pending ? [approvalButtons(card.requestId)] : []),
  ];
  const text = pending
    ? `${card.requesterId} asks for a key: ${plainSummary(card)}. Approve or deny it.`
    : `Key request ${plainSummary(card)}: ${state.kind.replace('_', ' ')}.`;
  return { text, blocks };
}

/** A DM nudge; the buttons stay on the original message (and in /apikey approvals). */
export function buildApprovalReminder(input: { card: ApprovalCard; waitedSeconds: number }): Message {
  const text = `Reminder: ${mention(input.card.requesterId)}'s request for *${escapeMrkdwn(input.card.name)}* (${input.card.environment}) has waited ${formatDuration(input.waitedSeconds)} for your decision.`;
  return {
    text,
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text: `:alarm_clock: ${text}` } },
      { type: 'context', elements: [{ type: 'mrkdwn', text: `Approve or deny it on the request above, or with \`${COMMAND} approvals\`.` }] },
    ],
  };
}

/** In the approvals channel, reminders and the escalation are thread replies that mention people. */
export function buildChannelNudge(input: { kind: 'reminder' | 'escalation'; userIds: string[]; waitedSeconds: number }): Message {
  const who = mentionList(input.userIds);
  const text = input.kind === 'reminder'
    ? `:alarm_clock: Reminder for ${who}: this request has waited ${formatDuration(input.waitedSeconds)} for a decision.`
    : `:rotating_light: Escalated to ${who}: nobody has decided this request in ${formatDuration(input.waitedSeconds)}. You may now approve or deny it with the buttons above.`;
  return { text, blocks: [{ type: 'section', text: { type: 'mrkdwn', text } }] };
}

export function escalationBanner(waitedSeconds: number): string {
  return `:rotating_light: *Escalated to you*: nobody has decided this request in ${formatDuration(waitedSeconds)}.`;
}
