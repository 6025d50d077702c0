/**
 * What the requester sees while a request waits: who will decide, with a Cancel button, updated in
 * place as it moves; and a separate notice when it is denied or expires (an edit does not notify).
 */
import type { KnownBlock } from '@slack/types';
import type { ApprovalRequirements } from '../../domain/approval';
import { formatDuration } from '../../domain/duration';
import { approvalActionId, approvalBlockId, COMMAND } from '../ids';
import { cardFields, reasonBlock, stateLine, whoDecides, type ApprovalCard, type ApprovalState, type Message } from './approvalCard';
import { escapeMrkdwn, mentionList, truncate } from './format';

export interface RequesterTimers {
  reminderEverySeconds: number;
  escalateAfterSeconds: number;
  escalateTo: string[];
  timeoutSeconds: number;
}

type Who = Pick<ApprovalRequirements, 'groups' | 'required' | 'sensitiveScopes'>;

function timersLine(t: RequesterTimers): string {
  const escalation = t.escalateTo.length > 0 ? ` If nobody decides within ${formatDuration(t.escalateAfterSeconds)}, ${mentionList(t.escalateTo)} will be asked too.` : '';
  return `Approvers are reminded every ${formatDuration(t.reminderEverySeconds)}.${escalation} Without a decision the request expires after ${formatDuration(t.timeoutSeconds)}.`;
}

function headline(card: ApprovalCard, state: ApprovalState): string {
  const name = `*${escapeMrkdwn(truncate(card.name, 64))}*`;
  switch (state.kind) {
    case 'pending':
      return `:hourglass_flowing_sand: Your ${card.environment} key ${name} needs approval before it is created.`;
    case 'approved':
      return `:white_check_mark: Your ${card.environment} key ${name} was approved. Reveal it with the *Reveal key* message keyops sent you.`;
    case 'denied':
      return `:no_entry: Your ${card.environment} key ${name} was denied. No key was created.`;
    case 'cancelled':
      return `:no_entry_sign: You cancelled your request for ${name}. No key was created.`;
    case 'timed_out':
      return `:hourglass: Nobody decided on your request for ${name} in time, so it expired. No key was created; run \`${COMMAND} new\` to ask again.`;
  }
}

export function buildRequesterStatus(input: { card: ApprovalCard; who: Who; state: ApprovalState; timers: RequesterTimers }): Message {
  const { card, state } = input;
  const pending = state.kind === 'pending';
  const blocks: KnownBlock[] = [
    { type: 'section', text: { type: 'mrkdwn', text: headline(card, state) } },
    cardFields(card),
    reasonBlock(card.reason),
  ];
  if (pending) {
    blocks.push(
      { type: 'section', text: { type: 'mrkdwn', text: `*Who decides*\n${whoDecides(input.who)}` } },
      { type: 'context', elements: [{ type: 'mrkdwn', text: timersLine(input.timers) }] },
    );
  }
  blocks.push({ type: 'section', text: { type: 'mrkdwn', text: stateLine(state) } });
  if (pending) {
    blocks.push({
      type: 'actions',
      block_id: approvalBlockId(card.requestId),
      elements: [
        {
          type: 'button',
          action_id: approvalActionId('cancelRequest', card.requestId),
          text: { type: 'plain_text', text: 'Cancel request' },
          value: card.requestId,
          confirm: {
            title: { type: 'plain_text', text: 'Cancel this request?' },
            text: { type: 'mrkdwn', text: 'Approvers will see that you cancelled it. You can ask again with `/apikey new`.' },
            confirm: { type: 'plain_text', text: 'Cancel request' },
            deny: { type: 'plain_text', text: 'Keep it' },
          },
        },
      ],
    });
  }
  return { text: headline(card, state).replace(/[*`]/g, ''), blocks };
}

/** A fresh message for outcomes the requester must notice: a denial (with its reason) or expiry. */
export function buildRequesterOutcome(input: { card: ApprovalCard; state: ApprovalState }): Message {
  const text = headline(input.card, input.state);
  return {
    text: input.state.kind === 'denied' ? `${text.replace(/[*`]/g, '')} Reason: ${escapeMrkdwn(input.state.reason)}` : text.replace(/[*`]/g, ''),
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text } },
      { type: 'section', text: { type: 'mrkdwn', text: stateLine(input.state) } },
    ],
  };
}
