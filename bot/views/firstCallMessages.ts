/**
 * After a reveal: the DM that reports a key's first call once its reveal message can no longer be
 * replaced, and the one nudge for a key nobody has used yet (the quick-start again, with a
 * placeholder where the key goes: keyops cannot show it again).
 */
import type { FirstCall } from '../../domain/firstCall';
import { elapsedText } from '../../domain/firstCall';
import { escapeMrkdwn } from './format';
import { firstCallLine, quickStart, type Message } from './revealMessages';

interface KeyNamed {
  keyId: string;
  name: string;
  maskedKey: string;
}

function keyLine(key: KeyNamed): string {
  return `:key: *${escapeMrkdwn(key.name)}* \`${key.maskedKey}\``;
}

export function buildFirstCallNotice(input: KeyNamed & { firstCall: FirstCall }): Message {
  const line = firstCallLine(input.firstCall);
  return {
    text: `${input.maskedKey}: ${line.replace(/^:[a-z_]+: /, '').replace(/`/g, '')}.`,
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text: keyLine(input) } },
      { type: 'section', text: { type: 'mrkdwn', text: line } },
    ],
  };
}

export const NUDGE_KEY_PLACEHOLDER = 'YOUR_KEY';

export function buildFirstCallNudge(input: KeyNamed & { sinceRevealMs: number; exampleUrl: string }): Message {
  const since = elapsedText(input.sinceRevealMs);
  return {
    text: `${input.maskedKey} has not been used in the ${since} since you revealed it. Here is the quick start again.`,
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text: `${keyLine(input)} has not made a call in the ${since} since you revealed it. Stuck? The quick start again, with your key in place of \`${NUDGE_KEY_PLACEHOLDER}\`:` } },
      { type: 'section', text: { type: 'mrkdwn', text: quickStart({ key: NUDGE_KEY_PLACEHOLDER, url: input.exampleUrl }) } },
      { type: 'context', elements: [{ type: 'mrkdwn', text: `keyops tells you here when its first call arrives. Lost the key? \`/apikey rotate ${input.keyId}\` gets you a new one. This is the only reminder.` }] },
    ],
  };
}
