/**
 * Messages about a leaked key: to the person who pasted it, to its owner, to the leak channel or
 * on-call. Pure. None of them repeats the key: they name it by its masked form and its name.
 */
import type { KnownBlock } from '@slack/types';
import type { KeyFacts } from '../../db/revocations';
import type { LeakAction, LeakPlace } from '../../domain/leak';
import { ActionIds, MessageBlocks, revokeActionId } from '../ids';
import { escapeMrkdwn, slackDate } from './format';
import type { Message } from './revealMessages';
import { keyLabel } from './revokeModal';

/** All a poster learns about a key that is revoked, expired or unknown: no lookup detail beyond it. */
export const NOT_LIVE_TEXT = 'That looks like a keyops key that is not live. Nothing was changed; still, please do not paste keys into Slack.';

export type LeakedKey = Pick<KeyFacts, 'id' | 'name' | 'environment' | 'maskedKey' | 'ownerId'>;

/** "in #general (message of 10:31)" / "at https://github.com/…": where the key was seen, as mrkdwn. */
export function leakPlaceText(place: LeakPlace): string {
  if (place.kind === 'github') return `at <${place.url}|${escapeMrkdwn(place.url)}> (found by GitHub secret scanning)`;
  const when = slackDate(new Date(Math.floor(Number(place.messageTs) * 1000)));
  const where = place.channelType === 'im' ? 'a direct message with keyops' : place.channelType === 'mpim' ? 'a group direct message' : `<#${place.channelId}>`;
  return `in ${where} by <@${place.userId}> (${when})`;
}

const section = (text: string): KnownBlock => ({ type: 'section', text: { type: 'mrkdwn', text } });

/** Visible to the poster only. keyops cannot delete someone else's message, so it asks. */
export function buildLeakPosterNotice(input: { key: LeakedKey; action: LeakAction }): Message {
  const what = `Your message holds a live keyops key, ${keyLabel(input.key)}.`;
  const done = input.action === 'revoke'
    ? 'keyops revoked it: anything that uses it now gets `REVOKED`, and its owner has been told.'
    : 'On-call has been asked to revoke it, and its owner has been told.';
  const ask = '*Please delete your message*: keyops cannot delete it for you.';
  return { text: `${what} ${done} Please delete your message: keyops cannot delete it for you.`, blocks: [section(`:rotating_light: ${what} ${done}\n${ask}`)] };
}

/** The owner's DM: which key, where it was seen, and one click to a replacement (or to revoke it). */
export function buildLeakOwnerNotice(input: { key: LeakedKey; place: LeakPlace; action: LeakAction }): Message {
  const { key, place } = input;
  const what = `Your key *${escapeMrkdwn(key.name)}* ${keyLabel(key)} (${key.environment}) was seen ${leakPlaceText(place)}.`;
  if (input.action === 'revoke') {
    return {
      text: `Your key "${escapeMrkdwn(key.name)}" (${key.maskedKey ?? key.id}, ${key.environment}) leaked and keyops revoked it. Get a replacement with the same name, environment and scopes.`,
      blocks: [
        section(`:rotating_light: ${what}\nkeyops revoked it: anything that still uses it gets \`REVOKED\`.`),
        {
          type: 'actions',
          block_id: MessageBlocks.leakActions,
          elements: [{ type: 'button', action_id: ActionIds.replaceLeakedKey, text: { type: 'plain_text', text: 'Get a replacement' }, style: 'primary', value: key.id }],
        },
        { type: 'context', elements: [{ type: 'mrkdwn', text: 'The replacement has the same name, environment and scopes, and needs approval where the policy asks for it.' }] },
      ],
    };
  }
  return {
    text: `Your key "${escapeMrkdwn(key.name)}" (${key.maskedKey ?? key.id}, ${key.environment}) leaked; it still works until someone revokes it.`,
    blocks: [
      section(`:rotating_light: ${what}\nIt still works: on-call has been asked to revoke it. Revoke it now, or rotate it and move your services to the new key first.`),
      { type: 'actions', block_id: MessageBlocks.leakActions, elements: [revokeButton(key.id)] },
    ],
  };
}

/** For the leak channel (or each on-call member): what leaked, whose, where, and what was done. */
export function buildLeakAnnouncement(input: { key: LeakedKey; place: LeakPlace; action: LeakAction }): Message {
  const { key, place } = input;
  const what = `*${escapeMrkdwn(key.name)}* ${keyLabel(key)} (${key.environment}, owner <@${key.ownerId}>) leaked ${leakPlaceText(place)}.`;
  if (input.action === 'revoke') {
    return { text: `Key "${escapeMrkdwn(key.name)}" (${key.maskedKey ?? key.id}) of <@${key.ownerId}> leaked; keyops revoked it.`, blocks: [section(`:rotating_light: ${what}\nkeyops revoked it; its owner can get a replacement in one click.`)] };
  }
  return {
    text: `Key "${escapeMrkdwn(key.name)}" (${key.maskedKey ?? key.id}) of <@${key.ownerId}> leaked and still works: revoke it?`,
    blocks: [section(`:rotating_light: ${what}\nIt still works (the policy leaves leaks to on-call).`), { type: 'actions', block_id: MessageBlocks.leakActions, elements: [revokeButton(key.id)] }],
  };
}

function revokeButton(keyId: string) {
  return { type: 'button' as const, action_id: revokeActionId(), text: { type: 'plain_text' as const, text: 'Revoke' }, style: 'danger' as const, value: keyId };
}
