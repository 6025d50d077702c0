/**
 * The reveal in a modal, for clicks on a Reveal key button in a message that outlives the display
 * (the app's DM, where the offer goes when an ephemeral one is refused) or in App Home: a modal is
 * opened at the click, the key is put in it, and it is blanked after the display time. Like an
 * ephemeral message, nothing of it stays in the conversation.
 */
import type { View } from '@slack/types';
import { CallbackIds, keyActionId } from '../ids';
import { escapeMrkdwn } from './format';
import type { Message } from './revealMessages';

function modal(title: string, blocks: Message['blocks']): View {
  return { type: 'modal', callback_id: CallbackIds.revealedKey, title: { type: 'plain_text', text: title }, close: { type: 'plain_text', text: 'Done' }, blocks };
}

/** Opened at the click, while the key is minted (the click's trigger_id lives 3 seconds). */
export function buildRevealingModal(): View {
  return modal('Your key', [{ type: 'section', text: { type: 'mrkdwn', text: ':hourglass_flowing_sand: Creating your key…' } }]);
}

/** The reveal message's content (the key, its facts, the quick start) in the modal. */
export function buildRevealedKeyModal(message: Message): View {
  return modal('Your key', message.blocks);
}

/** After the display time, or when the reveal was refused: the same modal without any key. */
export function buildKeyHiddenModal(message: Message): View {
  return modal('Your key', message.blocks);
}

/**
 * The key could not be taken off the owner's screen (its response_url was used up or expired): it
 * may stay there until Slack reloads. The owner hears of it at once, with the way out.
 */
export function buildKeyNotHidden(input: { keyId: string; name: string; maskedKey: string }): Message {
  const text = `:warning: keyops could not hide your key *${escapeMrkdwn(input.name)}* \`${input.maskedKey}\` after its display time: it may still be on your screen. If anyone else could have seen it, rotate it now.`;
  return {
    text: `keyops could not hide your key ${input.maskedKey}: rotate it if anyone else could have seen it.`,
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text } },
      { type: 'actions', elements: [{ type: 'button', text: { type: 'plain_text', text: 'Rotate' }, action_id: keyActionId('rotateKey'), value: input.keyId, style: 'primary' }] },
    ],
  };
}
