/**
 * A rotation as its owner sees it: the grace period starting, the check before it ends (how the
 * old and new keys were used in the last hour, with Revoke old now, Extend grace and Cancel
 * rotation), and how it ended.
 */
import type { KnownBlock } from '@slack/types';
import { formatDuration } from '../../domain/duration';
import { ActionIds, COMMAND, MessageBlocks } from '../ids';
import { escapeMrkdwn, slackDate } from './format';
import type { NoticeKey } from './lifecycleNotices';
import type { Message } from './revealMessages';

export interface RotationPair {
  old: NoticeKey & { lastUsedAt: Date | null };
  new: NoticeKey & { lastUsedAt: Date | null };
}

/** What a rotation button carries: the old key (whose lifecycle runs the rotation) and the new one. */
export interface RotationButtonValue {
  keyId: string;
  newKeyId: string;
}

/** The three choices of a grace period; "Revoke old now" and "Cancel rotation" ask first. */
function choiceButtons(value: string): KnownBlock {
  const confirm = (title: string, text: string, yes: string) => ({ title: { type: 'plain_text' as const, text: title }, text: { type: 'mrkdwn' as const, text }, confirm: { type: 'plain_text' as const, text: yes }, deny: { type: 'plain_text' as const, text: 'Back' } });
  return {
    type: 'actions',
    block_id: MessageBlocks.rotationActions,
    elements: [
      { type: 'button', action_id: ActionIds.rotationRevokeOld, text: { type: 'plain_text', text: 'Revoke old now' }, style: 'danger', value, confirm: confirm('Revoke the old key?', 'Anything still using the old key stops working at once.', 'Revoke old key') },
      { type: 'button', action_id: ActionIds.rotationExtendGrace, text: { type: 'plain_text', text: 'Extend grace' }, value },
      { type: 'button', action_id: ActionIds.rotationCancel, text: { type: 'plain_text', text: 'Cancel rotation' }, value, confirm: confirm('Cancel the rotation?', 'The old key stays; the new key is revoked.', 'Cancel rotation') },
    ],
  };
}

const masked = (key: NoticeKey): string => (key.maskedKey ? `\`${key.maskedKey}\`` : '_not revealed_');

function section(text: string): KnownBlock {
  return { type: 'section', text: { type: 'mrkdwn', text } };
}

/** "used 5 minutes ago" is for Slack to render; what matters here is whether it was within the hour. */
export function usageLine(lastUsedAt: Date | null, now: Date): string {
  if (!lastUsedAt) return 'never used';
  const recent = now.getTime() - lastUsedAt.getTime() <= 3600_000;
  return `last used ${slackDate(lastUsedAt)}${recent ? ' (in the last hour)' : ' (not in the last hour)'}`;
}

export function buildGraceStarted(input: RotationPair & { keyId: string; graceEndsAt: Date }): Message {
  const value = JSON.stringify({ keyId: input.keyId, newKeyId: input.new.keyId } satisfies RotationButtonValue);
  const text = `Rotation of "${escapeMrkdwn(input.old.name)}": the new key is live; the old one keeps working until ${input.graceEndsAt.toISOString()}, then it is revoked.`;
  return {
    text,
    blocks: [
      section(`:arrows_counterclockwise: Rotation of *${escapeMrkdwn(input.old.name)}*: the new key ${masked(input.new)} is live. The old key ${masked(input.old)} keeps working until ${slackDate(input.graceEndsAt)}, then it is revoked.`),
      { type: 'context', elements: [{ type: 'mrkdwn', text: 'Deploy the new key now. Before the grace period ends, keyops shows you how both keys were used. Once nothing uses the old key, *Revoke old now*.' }] },
      choiceButtons(value),
    ],
  };
}

export function buildRotationCheck(input: RotationPair & { keyId: string; graceEndsAt: Date; now: Date; extendBySeconds: number }): Message {
  const value = JSON.stringify({ keyId: input.keyId, newKeyId: input.new.keyId } satisfies RotationButtonValue);
  const text = `Rotation of "${escapeMrkdwn(input.old.name)}": the old key is revoked at ${input.graceEndsAt.toISOString()}. Old key ${input.old.lastUsedAt ? 'was last used ' + input.old.lastUsedAt.toISOString() : 'was never used'}; new key ${input.new.lastUsedAt ? 'was last used ' + input.new.lastUsedAt.toISOString() : 'was never used'}.`;
  return {
    text,
    blocks: [
      section(`:arrows_counterclockwise: Rotation of *${escapeMrkdwn(input.old.name)}*: the old key is revoked ${slackDate(input.graceEndsAt)}. Did your deployment switch?`),
      {
        type: 'section',
        fields: [
          { type: 'mrkdwn', text: `*Old key* ${masked(input.old)}\n${usageLine(input.old.lastUsedAt, input.now)}` },
          { type: 'mrkdwn', text: `*New key* ${masked(input.new)}\n${usageLine(input.new.lastUsedAt, input.now)}` },
        ],
      },
      { type: 'context', elements: [{ type: 'mrkdwn', text: `If the old key is still in use, *Extend grace* (by ${formatDuration(input.extendBySeconds)}) gives you time; *Cancel rotation* keeps the old key and revokes the new one.` }] },
      choiceButtons(value),
    ],
  };
}

export function buildRotationFinished(input: RotationPair & { why: 'grace_ended' | 'revoked_early'; actorId: string }): Message {
  const how = input.why === 'grace_ended' ? 'the grace period ended' : `<@${input.actorId}> revoked it early`;
  const text = `Rotation of "${escapeMrkdwn(input.old.name)}" done: the old key is revoked; the new key is the one to use.`;
  return { text, blocks: [section(`:white_check_mark: Rotation of *${escapeMrkdwn(input.old.name)}* done: the old key ${masked(input.old)} is revoked (${how}). Use the new key ${masked(input.new)}.`)] };
}

export function buildGraceExtended(input: RotationPair & { actorId: string; graceEndsAt: Date }): Message {
  const text = `Rotation of "${escapeMrkdwn(input.old.name)}": grace extended; the old key is revoked at ${input.graceEndsAt.toISOString()}.`;
  return { text, blocks: [section(`:hourglass: <@${input.actorId}> extended the grace period of *${escapeMrkdwn(input.old.name)}*: the old key ${masked(input.old)} is revoked ${slackDate(input.graceEndsAt)}.`)] };
}

export function buildRotationCancelled(input: RotationPair & { actorId: string }): Message {
  const text = `Rotation of "${escapeMrkdwn(input.old.name)}" cancelled: the old key stays; the new key is revoked.`;
  return { text, blocks: [section(`:leftwards_arrow_with_hook: <@${input.actorId}> cancelled the rotation of *${escapeMrkdwn(input.old.name)}*: the old key ${masked(input.old)} stays, the new key ${masked(input.new)} is revoked.`)] };
}

const ABANDONED_WHY: Record<string, string> = {
  window_closed: 'the new key was not revealed in time',
  rejected: 'the new key needs an approver under the policy and could not get one',
  denied: 'an approver denied the new key',
  cancelled: 'the request for the new key was cancelled',
  timed_out: 'nobody approved the new key in time',
  revoked: 'the new key was revoked before it was revealed',
};

export function buildRotationAbandoned(input: { old: NoticeKey; outcome: string }): Message {
  const why = ABANDONED_WHY[input.outcome] ?? 'keyops could not deliver the new key';
  const text = `Rotation of "${escapeMrkdwn(input.old.name)}" stopped: ${why}. The old key keeps working.`;
  return {
    text,
    blocks: [section(`:warning: Rotation of *${escapeMrkdwn(input.old.name)}* stopped: ${why}. The old key ${masked(input.old)} keeps working; run \`${COMMAND} rotate ${input.old.keyId}\` to try again.`)],
  };
}
