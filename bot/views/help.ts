import type { KnownBlock } from '@slack/types';
import { COMMAND } from '../ids';

const USAGE: Array<[string, string]> = [
  ['new', 'ask for a new key (a form opens)'],
  ['list', 'your keys, with status and last use'],
  ['rotate <key>', 'replace a key, keeping the old one for a grace period'],
  ['revoke <key>', 'revoke a key now'],
  ['usage <key>', 'how a key is used'],
  ['approvals', 'requests waiting for your decision, and your own pending requests'],
  ['help', 'this message'],
];

/** `<key>` is always a key id, its masked form or the full key. */
export function buildHelp(): { text: string; blocks: KnownBlock[] } {
  const lines = USAGE.map(([args, what]) => `\`${COMMAND} ${args}\`: ${what}`);
  const text = `keyops manages API keys from Slack.\n${lines.join('\n')}`;
  return {
    text,
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text: '*keyops* manages your API keys from Slack.' } },
      { type: 'section', text: { type: 'mrkdwn', text: lines.join('\n') } },
      { type: 'context', elements: [{ type: 'mrkdwn', text: '`<key>` is a key id, its masked form (e.g. `ko_live_…3f8a`) or the full key.' }] },
    ],
  };
}
