/** A modal that only says something: the answer to a click that has no conversation to answer in (App Home). */
import type { View } from '@slack/types';
import { CallbackIds } from '../ids';

export function buildNoticeModal(input: { title: string; text: string }): View {
  return {
    type: 'modal',
    callback_id: CallbackIds.notice,
    title: { type: 'plain_text', text: input.title.length > 24 ? `${input.title.slice(0, 23)}…` : input.title },
    close: { type: 'plain_text', text: 'Close' },
    blocks: [{ type: 'section', text: { type: 'mrkdwn', text: input.text } }],
  };
}
