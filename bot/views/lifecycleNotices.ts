/**
 * What a key's lifecycle tells its owner (in the app's DM): expiry notices with Rotate and Extend,
 * the expiry itself, unused-key notices with Revoke and Keep, and the answers to Extend and Keep.
 */
import type { Button, KnownBlock } from '@slack/types';
import { formatDuration } from '../../domain/duration';
import type { ExtensionRefusal } from '../../domain/extension';
import { COMMAND, MessageBlocks, keyActionId } from '../ids';
import { escapeMrkdwn, slackDate } from './format';
import type { Message } from './revealMessages';

export interface NoticeKey {
  keyId: string;
  name: string;
  maskedKey: string | null;
  environment: string;
}

function keyLabel(key: NoticeKey): string {
  return `*${escapeMrkdwn(key.name)}*${key.maskedKey ? ` \`${key.maskedKey}\`` : ''} (${escapeMrkdwn(key.environment)})`;
}

function button(text: string, actionId: string, value: string, style?: 'primary' | 'danger'): Button {
  return { type: 'button', text: { type: 'plain_text', text }, action_id: actionId, value, ...(style ? { style } : {}) };
}

export function buildExpiryNotice(input: NoticeKey & { expiresAt: Date; beforeSeconds: number }): Message {
  const text = `Your key "${escapeMrkdwn(input.name)}" expires in ${formatDuration(input.beforeSeconds)}. Rotate it or extend it.`;
  return {
    text,
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text: `:hourglass: Your key ${keyLabel(input)} expires in *${formatDuration(input.beforeSeconds)}*, on ${slackDate(input.expiresAt)}.` } },
      { type: 'context', elements: [{ type: 'mrkdwn', text: '*Rotate* gives you a new key and keeps this one working for a grace period; *Extend* moves the expiry.' }] },
      {
        type: 'actions',
        block_id: MessageBlocks.noticeActions,
        elements: [button('Rotate', keyActionId('rotateKey'), input.keyId, 'primary'), button('Extend', keyActionId('extendKey'), input.keyId)],
      },
    ],
  };
}

export function buildKeyExpired(input: NoticeKey & { expiresAt: Date }): Message {
  const text = `Your key "${escapeMrkdwn(input.name)}" expired. Requests with it are now refused; run ${COMMAND} new for another.`;
  return {
    text,
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text: `:no_entry: Your key ${keyLabel(input)} expired on ${slackDate(input.expiresAt)}. Requests with it are now refused (\`EXPIRED\`).` } },
      { type: 'context', elements: [{ type: 'mrkdwn', text: `Run \`${COMMAND} new\` for another key.` }] },
    ],
  };
}

export function buildUnusedNotice(input: NoticeKey & { kind: 'never_used' | 'unused'; since: Date; lastUsedAt: Date | null }): Message {
  const what =
    input.kind === 'never_used'
      ? `has never been used since it was revealed on ${slackDate(input.since)}`
      : `has not been used since ${slackDate(input.lastUsedAt ?? input.since)}`;
  const text = `Your key "${escapeMrkdwn(input.name)}" ${input.kind === 'never_used' ? 'has never been used' : 'has not been used for a while'}. Revoke it, or keep it.`;
  return {
    text,
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text: `:zzz: Your key ${keyLabel(input)} ${what}.` } },
      { type: 'context', elements: [{ type: 'mrkdwn', text: 'A key nobody uses is a risk for nothing: revoke it if nothing needs it. *Keep* leaves it alone, and keyops asks again later if it stays unused.' }] },
      {
        type: 'actions',
        block_id: MessageBlocks.noticeActions,
        elements: [button('Revoke', keyActionId('revokeKey'), input.keyId, 'danger'), button('Keep', keyActionId('keepKey'), input.keyId)],
      },
    ],
  };
}

export function buildKeyKept(input: NoticeKey & { actorId: string; askAgainAt: Date }): Message {
  const text = `Kept "${escapeMrkdwn(input.name)}". keyops asks again if it is still unused by then.`;
  return { text, blocks: [{ type: 'section', text: { type: 'mrkdwn', text: `:white_check_mark: <@${input.actorId}> kept ${keyLabel(input)}. keyops asks again on ${slackDate(input.askAgainAt)} if it is still unused.` } }] };
}

export function buildKeyExtended(input: NoticeKey & { actorId: string; from: Date; to: Date }): Message {
  const text = `Extended "${escapeMrkdwn(input.name)}": it now expires on ${input.to.toISOString()}.`;
  return { text, blocks: [{ type: 'section', text: { type: 'mrkdwn', text: `:calendar: <@${input.actorId}> extended ${keyLabel(input)}: it now expires on ${slackDate(input.to)} (was ${slackDate(input.from)}).` } }] };
}

export const EXTENSION_REFUSAL_TEXT: Record<ExtensionRefusal, string> = {
  NOT_ACTIVE: 'This key is not active (it expired, was revoked or is not revealed yet), so it cannot be extended.',
  UNKNOWN_ENVIRONMENT: 'This key\'s environment is no longer in the policy, so keyops cannot tell how long it may live.',
  NOT_ALLOWED: 'That lifetime is not one the policy allows for this environment.',
  NOT_LATER: 'This key already expires later than that; pick a longer lifetime.',
  NEEDS_APPROVAL:
    'Under the policy this key needs an approver (its environment or a sensitive scope), and keyops cannot send extensions to approvers yet, so nothing changed. Rotate it instead: the new key goes through the same approval as a new one.',
};

export function buildExtensionRefused(input: NoticeKey & { refusal: ExtensionRefusal }): Message {
  const text = `${escapeMrkdwn(input.name)}: ${EXTENSION_REFUSAL_TEXT[input.refusal]}`;
  return { text, blocks: [{ type: 'section', text: { type: 'mrkdwn', text: `:warning: ${keyLabel(input)}: ${EXTENSION_REFUSAL_TEXT[input.refusal]}` } }] };
}

/** A plain answer to a click or a command, for the caller only. */
export function buildPlainReply(text: string): Message {
  return { text, blocks: [section(text)] };
}

function section(text: string): KnownBlock {
  return { type: 'section', text: { type: 'mrkdwn', text } };
}
