/** Messages around a revocation: several keys matching a masked form, and the owner's notice. Pure. */
import type { KnownBlock } from '@slack/types';
import type { KeyFacts } from '../../db/revocations';
import { revokeActionId } from '../ids';
import { escapeMrkdwn } from './format';
import { keyLabel, lastUsedText } from './revokeModal';
import type { Message } from './revealMessages';

const MAX_CANDIDATES = 10;

/** A masked form is only 4 characters of the key: when it matches several, the responder picks one. */
export function buildRevokeCandidates(input: { maskedKey: string; keys: KeyFacts[] }): Message {
  const shown = input.keys.slice(0, MAX_CANDIDATES);
  const blocks: KnownBlock[] = [
    { type: 'section', text: { type: 'mrkdwn', text: `\`${input.maskedKey}\` matches *${input.keys.length}* live keys. Revoke the one you mean, or run the command again with its id:` } },
    ...shown.map(
      (key, index): KnownBlock => ({
        type: 'section',
        text: { type: 'mrkdwn', text: `*${escapeMrkdwn(key.name)}* · ${key.environment} · owner <@${key.ownerId}> · last used ${lastUsedText(key)}\n\`${key.id}\`` },
        accessory: { type: 'button', action_id: revokeActionId(index), text: { type: 'plain_text', text: 'Revoke' }, style: 'danger', value: key.id },
      }),
    ),
  ];
  if (input.keys.length > shown.length) {
    blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: `…and ${input.keys.length - shown.length} more. Give the key id (or the full key) to pick one of them.` }] });
  }
  const text = `${input.maskedKey} matches ${input.keys.length} keys: ${shown.map((k) => `${k.id} (${escapeMrkdwn(k.name)}, ${k.environment}, <@${k.ownerId}>)`).join('; ')}. Give the key id to revoke one.`;
  return { text, blocks };
}

/** The DM to an owner: which of their keys, who revoked them and why. */
export function buildRevokedNotice(input: { keys: KeyFacts[]; actorId: string; reason: string }): Message {
  const one = input.keys.length === 1 ? input.keys[0] : undefined;
  const what = one ? `your key *${escapeMrkdwn(one.name)}* ${keyLabel(one)} (${one.environment})` : `*${input.keys.length}* of your keys`;
  const list = one
    ? []
    : input.keys.slice(0, 20).map((k) => `• ${keyLabel(k)} *${escapeMrkdwn(k.name)}* (${k.environment})`).concat(input.keys.length > 20 ? [`…and ${input.keys.length - 20} more`] : []);
  const blocks: KnownBlock[] = [
    { type: 'section', text: { type: 'mrkdwn', text: `:no_entry: <@${input.actorId}> revoked ${what}.\n>${escapeMrkdwn(input.reason).replace(/\n/g, '\n>')}` } },
    ...(list.length > 0 ? [{ type: 'section', text: { type: 'mrkdwn', text: list.join('\n') } } as KnownBlock] : []),
    { type: 'context', elements: [{ type: 'mrkdwn', text: `Anything that still uses ${one ? 'it' : 'them'} now gets \`REVOKED\`. Ask for a new key with \`/apikey new\`.` }] },
  ];
  const text = one
    ? `<@${input.actorId}> revoked your key "${escapeMrkdwn(one.name)}" (${one.maskedKey ?? one.id}, ${one.environment}): ${escapeMrkdwn(input.reason)}`
    : `<@${input.actorId}> revoked ${input.keys.length} of your keys: ${escapeMrkdwn(input.reason)}`;
  return { text, blocks };
}
