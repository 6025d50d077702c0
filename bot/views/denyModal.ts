/** The modal Deny opens: a reason is required, and the requester will read it. */
import type { View } from '@slack/types';
import { DENY_REASON_MAX } from '../../domain/approval';
import { CallbackIds, DenyBlocks } from '../ids';
import { cardTitle, type ApprovalCard } from './approvalCard';

export interface DenyModalMetadata {
  requestId: string;
}

export function buildDenyModal(input: { card: ApprovalCard }): View {
  const metadata: DenyModalMetadata = { requestId: input.card.requestId };
  return {
    type: 'modal',
    callback_id: CallbackIds.denyRequest,
    title: { type: 'plain_text', text: 'Deny key request' },
    submit: { type: 'plain_text', text: 'Deny' },
    close: { type: 'plain_text', text: 'Cancel' },
    private_metadata: JSON.stringify(metadata),
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text: cardTitle(input.card) } },
      {
        type: 'input',
        block_id: DenyBlocks.reason,
        label: { type: 'plain_text', text: 'Reason' },
        hint: { type: 'plain_text', text: 'The requester sees this, and it is kept in the audit log.' },
        element: { type: 'plain_text_input', action_id: DenyBlocks.reason, multiline: true, max_length: DENY_REASON_MAX },
      },
    ],
  };
}
