/**
 * Answers a button click for the clicker only: in the conversation through the click's
 * response_url, or, for a click on App Home (Slack sends no response_url there), in a small modal.
 */
import type { BlockAction, RespondFn } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import { buildNoticeModal } from '../../views/noticeModal';

export async function answerClick(options: { body: BlockAction; respond: RespondFn; client: WebClient; title: string; text: string }): Promise<void> {
  if (options.body.response_url) {
    await options.respond({ response_type: 'ephemeral', replace_original: false, text: options.text });
    return;
  }
  await options.client.views.open({ trigger_id: options.body.trigger_id, view: buildNoticeModal({ title: options.title, text: options.text }) });
}
