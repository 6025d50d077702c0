/**
 * The revocation modal: what will be revoked, a required reason, and (for a whole environment) the
 * environment's name typed out. After the commit the same modal shows what was revoked. Pure.
 */
import type { KnownBlock, SectionBlock, View } from '@slack/types';
import type { KeyFacts, RevocationScope } from '../../db/revocations';
import { CallbackIds, RevokeBlocks } from '../ids';
import { escapeMrkdwn, revokedByText, scopeList, slackDate } from './format';

export interface RevokeModalMetadata {
  scope: RevocationScope;
  /** Where the responder asked: follow-up messages go there. */
  channelId: string;
  /** How the key(s) were named (id, masked, secret, button, user, environment), for the audit log. */
  via: string;
  /** How many keys the confirmation showed. */
  shownCount: number;
}

const SAMPLE_SIZE = 15;
const STATUS_TEXT: Record<KeyFacts['status'], string> = { ACTIVE: 'active', PENDING_REVEAL: 'not revealed yet', EXPIRED: 'expired', REVOKED: 'revoked' };

export function keyLabel(key: Pick<KeyFacts, 'maskedKey' | 'id'>): string {
  return key.maskedKey ? `\`${key.maskedKey}\`` : `\`${key.id}\``;
}

export function lastUsedText(key: Pick<KeyFacts, 'lastUsedAt'>): string {
  return key.lastUsedAt ? slackDate(key.lastUsedAt) : 'never';
}

export function keyFactsSection(key: KeyFacts): SectionBlock {
  return {
    type: 'section',
    fields: [
      { type: 'mrkdwn', text: `*Key*\n${keyLabel(key)}` },
      { type: 'mrkdwn', text: `*Owner*\n<@${key.ownerId}>` },
      { type: 'mrkdwn', text: `*Name*\n${escapeMrkdwn(key.name)}` },
      { type: 'mrkdwn', text: `*Environment*\n${key.environment}` },
      { type: 'mrkdwn', text: `*Scopes*\n${scopeList(key.scopes)}` },
      { type: 'mrkdwn', text: `*Last used*\n${lastUsedText(key)}` },
      { type: 'mrkdwn', text: `*Status*\n${STATUS_TEXT[key.status]}, expires ${slackDate(key.expiresAt)}` },
      { type: 'mrkdwn', text: `*Id*\n\`${key.id}\`` },
    ],
  };
}

function reasonInput(): KnownBlock {
  return {
    type: 'input',
    block_id: RevokeBlocks.reason,
    label: { type: 'plain_text', text: 'Reason' },
    hint: { type: 'plain_text', text: 'The owner and the audit log see it.' },
    element: { type: 'plain_text_input', action_id: RevokeBlocks.reason, multiline: true, max_length: 500, placeholder: { type: 'plain_text', text: 'e.g. pasted in a public channel' } },
  };
}

function modal(options: { title: string; submit?: string; close: string; blocks: KnownBlock[]; metadata?: RevokeModalMetadata }): View {
  return {
    type: 'modal',
    callback_id: CallbackIds.revokeKeys,
    title: { type: 'plain_text', text: options.title },
    ...(options.submit ? { submit: { type: 'plain_text' as const, text: options.submit } } : {}),
    close: { type: 'plain_text', text: options.close },
    ...(options.metadata ? { private_metadata: JSON.stringify(options.metadata) } : {}),
    blocks: options.blocks,
  };
}

export function buildRevokeKeyModal(input: { key: KeyFacts; metadata: RevokeModalMetadata }): View {
  return modal({
    title: 'Revoke API key',
    submit: 'Revoke',
    close: 'Cancel',
    metadata: input.metadata,
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text: `:warning: Revoke *${escapeMrkdwn(input.key.name)}* now? Every API that checks it gets \`REVOKED\` within a second. This cannot be undone.` } },
      keyFactsSection(input.key),
      reasonInput(),
    ],
  });
}

export function scopeText(scope: Exclude<RevocationScope, { kind: 'key' }>): string {
  return scope.kind === 'owner' ? `of <@${scope.ownerId}>` : `in *${scope.environment}*`;
}

function sampleLines(keys: readonly KeyFacts[], total: number): string {
  const lines = keys.slice(0, SAMPLE_SIZE).map((k) => `• ${keyLabel(k)} *${escapeMrkdwn(k.name)}* (${k.environment}, <@${k.ownerId}>), last used ${lastUsedText(k)}`);
  if (total > lines.length) lines.push(`…and ${total - lines.length} more`);
  return lines.join('\n');
}

export function buildBulkRevokeModal(input: { scope: Exclude<RevocationScope, { kind: 'key' }>; count: number; sample: KeyFacts[]; metadata: RevokeModalMetadata }): View {
  const noun = input.count === 1 ? 'key' : 'keys';
  const blocks: KnownBlock[] = [
    { type: 'section', text: { type: 'mrkdwn', text: `:rotating_light: Revoke *all ${input.count} live ${noun}* ${scopeText(input.scope)}, in one go? Every API that checks them gets \`REVOKED\` within a second. This cannot be undone.` } },
    { type: 'section', text: { type: 'mrkdwn', text: sampleLines(input.sample, input.count) } },
  ];
  if (input.scope.kind === 'environment') {
    blocks.push({
      type: 'input',
      block_id: RevokeBlocks.confirm,
      label: { type: 'plain_text', text: `Type ${input.scope.environment} to confirm` },
      element: { type: 'plain_text_input', action_id: RevokeBlocks.confirm, max_length: 64 },
    });
  }
  blocks.push(reasonInput());
  return modal({ title: 'Emergency revocation', submit: `Revoke ${input.count} ${noun}`, close: 'Cancel', metadata: input.metadata, blocks });
}

/** What the responder sees once the transaction committed (or found nothing left to revoke). */
export function buildRevocationDone(input: { scope: RevocationScope; keys: KeyFacts[]; shownCount: number; actorId: string; alreadyRevoked?: KeyFacts | null }): View {
  const { keys } = input;
  const blocks: KnownBlock[] = [];
  if (keys.length === 0) {
    const gone = input.alreadyRevoked;
    const text = gone
      ? `Nothing to do: ${keyLabel(gone)} was already revoked${revokedByText(gone.revokedBy)}${gone.revokedAt ? ` ${slackDate(gone.revokedAt)}` : ''}${gone.revokedReason ? `: “${escapeMrkdwn(gone.revokedReason)}”` : '.'}`
      : 'Nothing to do: no live keys were left to revoke (someone else may have just revoked them).';
    blocks.push({ type: 'section', text: { type: 'mrkdwn', text: `:information_source: ${text}` } });
    return modal({ title: 'Nothing revoked', close: 'Close', blocks });
  }
  const owners = [...new Set(keys.map((k) => k.ownerId))].filter((o) => o !== input.actorId);
  if (input.scope.kind === 'key' && keys[0]) {
    blocks.push({ type: 'section', text: { type: 'mrkdwn', text: `:no_entry: Revoked ${keyLabel(keys[0])} (*${escapeMrkdwn(keys[0].name)}*, ${keys[0].environment}). Verification answers \`REVOKED\` for it from now on.` } });
  } else if (input.scope.kind !== 'key') {
    const more = keys.length - input.shownCount;
    const note = more > 0 ? ` (${more} more than the confirmation showed: created since)` : '';
    blocks.push({ type: 'section', text: { type: 'mrkdwn', text: `:no_entry: Revoked *${keys.length}* ${keys.length === 1 ? 'key' : 'keys'} ${scopeText(input.scope)}${note}. Verification answers \`REVOKED\` for them from now on.` } });
    blocks.push({ type: 'section', text: { type: 'mrkdwn', text: sampleLines(keys, keys.length) } });
  }
  if (owners.length > 0) {
    const who = owners.length <= 5 ? owners.map((o) => `<@${o}>`).join(', ') : `${owners.length} owners`;
    blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: `keyops is telling ${who} who revoked ${keys.length === 1 ? 'it' : 'them'} and why.` }] });
  }
  return modal({ title: keys.length === 1 ? 'Key revoked' : 'Keys revoked', close: 'Done', blocks });
}
