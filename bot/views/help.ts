import type { KnownBlock } from '@slack/types';
import { COMMAND } from '../ids';
import { escapeMrkdwn } from './format';

const USAGE: Array<[string, string]> = [
  ['new', 'ask for a new key (a form opens)'],
  ['list', 'your keys, with status and last use'],
  ['list @person', 'admins and viewers: someone else\'s keys'],
  ['rotate <key>', 'replace a key, keeping the old one for a grace period'],
  ['revoke <key>', 'revoke a key now (your own; on-call and admins: any key)'],
  ['revoke @person', 'on-call and admins: revoke every live key of a person at once (offboarding)'],
  ['revoke env:<environment>', 'on-call and admins: revoke every live key of an environment at once'],
  ['usage <key>', 'how a key is used: requests, errors, latency, limits (your own; admins, viewers and on-call: any key)'],
  ['audit [@person|<key>] [7d]', 'who did what to your keys, newest first (admins: anyone\'s, or `all`)'],
  ['approvals', 'requests waiting for your decision, and your own pending requests'],
  ['help', 'this message'],
];

/** `<key>` is always a key id, its masked form or the full key. */
export function buildHelp(): { text: string; blocks: KnownBlock[] } {
  const line = ([args, what]: [string, string]): string => `\`${COMMAND} ${args}\`: ${what}`;
  const text = `keyops manages API keys from Slack.\n${USAGE.map(line).join('\n')}`;
  return {
    text,
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text: '*keyops* manages your API keys from Slack.' } },
      // mrkdwn reads <…> as a link or mention: the placeholders must be escaped to show.
      { type: 'section', text: { type: 'mrkdwn', text: USAGE.map(([args, what]) => line([escapeMrkdwn(args), what])).join('\n') } },
      { type: 'context', elements: [{ type: 'mrkdwn', text: escapeMrkdwn('`<key>` is a key id, its masked form (e.g. `ko_live_…3f8a`) or the full key. Every revocation asks for a reason, and the owner is told.') }] },
    ],
  };
}
