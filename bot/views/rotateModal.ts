/** The Rotate modal: what is being replaced, and how long the old key keeps working after the new one is revealed. */
import type { PlainTextOption, View } from '@slack/types';
import { formatDuration } from '../../domain/duration';
import { CallbackIds, RotateBlocks } from '../ids';
import { escapeMrkdwn, slackDate } from './format';

export interface RotateModalMetadata {
  keyId: string;
  /** Where the new key's Reveal offer is posted (ephemeral); the owner's DM when absent. */
  channelId: string | null;
}

export function buildRotateModal(input: {
  key: { id: string; name: string; maskedKey: string | null; environment: string; expiresAt: Date };
  graceOptions: number[];
  defaultGrace: number;
  needsApproval: boolean;
  channelId: string | null;
}): View {
  const options: PlainTextOption[] = input.graceOptions.map((seconds) => ({ text: { type: 'plain_text', text: formatDuration(seconds) }, value: formatDuration(seconds) }));
  const initial = options.find((o) => o.value === formatDuration(input.defaultGrace)) ?? options[0];
  const metadata: RotateModalMetadata = { keyId: input.key.id, channelId: input.channelId };
  const approval = input.needsApproval ? ' Under the policy the new key needs an approver first, as a new key would.' : '';
  return {
    type: 'modal',
    callback_id: CallbackIds.rotateKey,
    title: { type: 'plain_text', text: 'Rotate key' },
    submit: { type: 'plain_text', text: 'Rotate' },
    close: { type: 'plain_text', text: 'Cancel' },
    private_metadata: JSON.stringify(metadata),
    blocks: [
      {
        type: 'section',
        text: {
          type: 'mrkdwn',
          text: `*${escapeMrkdwn(input.key.name)}*${input.key.maskedKey ? ` \`${input.key.maskedKey}\`` : ''} (${escapeMrkdwn(input.key.environment)}), expires ${slackDate(input.key.expiresAt)}.\nA new key with the same name, environment and scopes is offered to its owner with *Reveal key*.${approval}`,
        },
      },
      {
        type: 'input',
        block_id: RotateBlocks.grace,
        label: { type: 'plain_text', text: 'Grace period' },
        hint: { type: 'plain_text', text: 'From the new key\'s reveal, the old key keeps working this long, then it is revoked.' },
        element: { type: 'static_select', action_id: RotateBlocks.grace, options, ...(initial ? { initial_option: initial } : {}) },
      },
    ],
  };
}
