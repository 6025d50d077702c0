/** The Extend modal: pick a new lifetime, counted from today, among those the policy allows. */
import type { PlainTextOption, View } from '@slack/types';
import { formatDuration } from '../../domain/duration';
import type { ExtensionChoice } from '../../domain/extension';
import { CallbackIds, ExtendBlocks } from '../ids';
import { escapeMrkdwn, slackDate } from './format';

export interface ExtendModalMetadata {
  keyId: string;
  /** Where the click came from; the confirmation goes there (ephemeral), else to the DM. */
  responseUrl: string | null;
}

export function buildExtendModal(input: { key: { id: string; name: string; maskedKey: string | null; environment: string; expiresAt: Date }; choices: ExtensionChoice[]; responseUrl: string | null }): View {
  const options: PlainTextOption[] = input.choices.map((c) => ({ text: { type: 'plain_text', text: `${formatDuration(c.lifetimeSeconds)} from today` }, value: formatDuration(c.lifetimeSeconds) }));
  const metadata: ExtendModalMetadata = { keyId: input.key.id, responseUrl: input.responseUrl };
  return {
    type: 'modal',
    callback_id: CallbackIds.extendKey,
    title: { type: 'plain_text', text: 'Extend key' },
    submit: { type: 'plain_text', text: 'Extend' },
    close: { type: 'plain_text', text: 'Cancel' },
    private_metadata: JSON.stringify(metadata),
    blocks: [
      {
        type: 'section',
        text: { type: 'mrkdwn', text: `*${escapeMrkdwn(input.key.name)}*${input.key.maskedKey ? ` \`${input.key.maskedKey}\`` : ''} (${escapeMrkdwn(input.key.environment)}) expires ${slackDate(input.key.expiresAt)}.` },
      },
      {
        type: 'input',
        block_id: ExtendBlocks.lifetime,
        label: { type: 'plain_text', text: 'Expires in' },
        hint: { type: 'plain_text', text: 'Counted from today; the policy sets the longest a key may live.' },
        element: { type: 'static_select', action_id: ExtendBlocks.lifetime, options, ...(options[0] ? { initial_option: options[0] } : {}) },
      },
    ],
  };
}
