/**
 * One key as a list shows it (in `/apikey list` and on App Home): what it is, its status, its
 * dates, and the buttons that can act on it. Only buttons that apply are shown: an expired or
 * revoked key has nothing to rotate, revoke or extend.
 */
import type { Button, KnownBlock } from '@slack/types';
import { KEY_STATUS_LABEL, keyDisplayStatus, type KeyDisplayStatus, type StoredKeyStatus } from '../../domain/keyStatus';
import { keyActionId, keyRowBlockIds, type KeyAction } from '../ids';
import { firstCallOf } from '../../domain/firstCall';
import { escapeMrkdwn, scopeList, slackDate } from './format';
import { firstCallLine } from './revealMessages';

export interface KeyRow {
  id: string;
  name: string;
  maskedKey: string | null;
  environment: string;
  scopes: string[];
  status: StoredKeyStatus;
  createdAt: Date;
  expiresAt: Date;
  lastUsedAt: Date | null;
  graceEndsAt: Date | null;
  /** The first call after the reveal (api_keys.first_call_*); rows read elsewhere may leave it out. */
  revealedAt?: Date | null;
  firstCallAt?: Date | null;
  firstCallOutcome?: string | null;
  firstCallVia?: string | null;
  firstCallCaller?: string | null;
  firstCallReportedClass?: string | null;
}

export interface KeyRowContext {
  now: Date;
  expiringSoonSeconds: number;
  /**
   * The viewer owns these keys and is looking at a message (not App Home, whose clicks have no
   * response_url to show a key through): pending keys get "Reveal key", for an owner whose offer
   * message is gone (Slack drops ephemeral messages on reload).
   */
  revealable?: boolean;
}

const STATUS_EMOJI: Record<KeyDisplayStatus, string> = {
  pending: ':hourglass_flowing_sand:',
  active: ':large_green_circle:',
  expiring_soon: ':large_yellow_circle:',
  expired: ':white_circle:',
  revoked: ':red_circle:',
};

const BUTTON_TEXT: Record<Exclude<KeyAction, 'keepKey'>, string> = { revealKey: 'Reveal key', rotateKey: 'Rotate', revokeKey: 'Revoke', extendKey: 'Extend', keyUsage: 'Usage' };

export function statusOf(key: Pick<KeyRow, 'status' | 'expiresAt'>, context: KeyRowContext): KeyDisplayStatus {
  return keyDisplayStatus(key, { now: context.now, expiringSoonSeconds: context.expiringSoonSeconds });
}

export function statusText(status: KeyDisplayStatus): string {
  return `${STATUS_EMOJI[status]} *${KEY_STATUS_LABEL[status]}*`;
}

/** The buttons that do something for this key, in the contract's order. */
export function keyRowActions(key: KeyRow, context: KeyRowContext): Array<Exclude<KeyAction, 'keepKey'>> {
  switch (statusOf(key, context)) {
    case 'pending':
      // Pending reveal (a key exists, unseen); approval requests have no row of their own.
      return context.revealable && key.status === 'PENDING_REVEAL' ? ['revealKey', 'revokeKey'] : ['revokeKey'];
    case 'expired':
    case 'revoked':
      return ['keyUsage'];
    default:
      // A key in a rotation's grace period is already being replaced.
      return key.graceEndsAt ? ['revokeKey', 'keyUsage'] : ['rotateKey', 'revokeKey', 'extendKey', 'keyUsage'];
  }
}

export function keySummaryText(key: KeyRow, context: KeyRowContext): string {
  const status = statusOf(key, context);
  const masked = key.maskedKey ? `\`${key.maskedKey}\`` : '_not revealed yet_';
  const expiry = status === 'revoked' ? `Revoked` : `${status === 'expired' ? 'Expired' : 'Expires'} ${slackDate(key.expiresAt)}`;
  const lines = [
    `*${escapeMrkdwn(key.name)}* · ${masked}`,
    `${statusText(status)} · ${escapeMrkdwn(key.environment)} · ${scopeList(key.scopes)}`,
    `Created ${slackDate(key.createdAt)} · ${expiry} · Last used ${key.lastUsedAt ? slackDate(key.lastUsedAt) : 'never'}`,
  ];
  const firstCall = firstCallOf({
    revealedAt: key.revealedAt ?? null,
    firstCallAt: key.firstCallAt ?? null,
    firstCallOutcome: key.firstCallOutcome ?? null,
    firstCallVia: key.firstCallVia ?? null,
    firstCallCaller: key.firstCallCaller ?? null,
    firstCallReportedClass: key.firstCallReportedClass ?? null,
  });
  if (firstCall) lines.push(firstCallLine(firstCall));
  if (key.graceEndsAt && (status === 'active' || status === 'expiring_soon')) {
    lines.push(`:arrows_counterclockwise: Being replaced by a rotation: revoked ${slackDate(key.graceEndsAt)}`);
  }
  return lines.join('\n');
}

export function buildKeyRow(key: KeyRow, options: KeyRowContext & { index: number }): KnownBlock[] {
  const ids = keyRowBlockIds(options.index);
  const buttons: Button[] = keyRowActions(key, options).map((action) => ({
    type: 'button',
    action_id: keyActionId(action, options.index),
    text: { type: 'plain_text', text: BUTTON_TEXT[action] },
    value: key.id,
    ...(action === 'revokeKey' ? { style: 'danger' as const } : action === 'revealKey' ? { style: 'primary' as const } : {}),
  }));
  return [
    { type: 'section', block_id: ids.summary, text: { type: 'mrkdwn', text: keySummaryText(key, options) } },
    { type: 'actions', block_id: ids.actions, elements: buttons },
  ];
}
