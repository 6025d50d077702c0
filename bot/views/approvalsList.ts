/**
 * `/apikey approvals`: what waits for my decision (with the same Approve and Deny buttons) and my
 * own pending requests (with Cancel). Capped so the message stays within Slack's 50 blocks.
 */
import type { KnownBlock } from '@slack/types';
import { approvalActionId, approvalBlockId, COMMAND } from '../ids';
import { approvalButtons } from './approvalMessages';
import { plainSummary, type ApprovalCard } from './approvalCard';
import { escapeMrkdwn, mention, scopeList, slackDate, truncate } from './format';
import { formatDuration } from '../../domain/duration';

export const LIST_LIMIT = 10;

export interface ListedRequest {
  card: ApprovalCard;
  /** e.g. "approved by @ana; still needed: one of @security". */
  status: string;
}

function summary(item: ListedRequest, withRequester: boolean): KnownBlock {
  const { card } = item;
  const who = withRequester ? `${mention(card.requesterId)} · ` : '';
  const reason = card.reason ? `\n>${truncate(escapeMrkdwn(card.reason).replace(/\n/g, ' '), 300)}` : '';
  const text = `${who}*${escapeMrkdwn(truncate(card.name, 64))}* · ${card.environment} · ${scopeList(card.scopes, new Set(card.sensitiveScopes))} · ${formatDuration(card.lifetimeSeconds)}\nRequested ${slackDate(card.requestedAt)} · ${item.status}${reason}`;
  return { type: 'section', text: { type: 'mrkdwn', text } };
}

function more(count: number): KnownBlock[] {
  return count > 0 ? [{ type: 'context', elements: [{ type: 'mrkdwn', text: `…and ${count} more.` }] }] : [];
}

export function buildApprovalsList(input: { waiting: ListedRequest[]; mine: ListedRequest[] }): { text: string; blocks: KnownBlock[] } {
  const waiting = input.waiting.slice(0, LIST_LIMIT);
  const mine = input.mine.slice(0, LIST_LIMIT);
  const blocks: KnownBlock[] = [{ type: 'section', text: { type: 'mrkdwn', text: `*Waiting for your decision* (${input.waiting.length})` } }];
  if (waiting.length === 0) blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: 'Nothing waits for you.' }] });
  for (const item of waiting) blocks.push(summary(item, true), approvalButtons(item.card.requestId));
  blocks.push(...more(input.waiting.length - waiting.length), { type: 'divider' });

  blocks.push({ type: 'section', text: { type: 'mrkdwn', text: `*Your requests waiting for approval* (${input.mine.length})` } });
  if (mine.length === 0) blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: `None. Keys for production or with 🔒 scopes need approval; ask with \`${COMMAND} new\`.` }] });
  for (const item of mine) {
    blocks.push(summary(item, false), {
      type: 'actions',
      block_id: `${approvalBlockId(item.card.requestId)}:cancel`,
      elements: [{ type: 'button', action_id: approvalActionId('cancelRequest', item.card.requestId), text: { type: 'plain_text', text: 'Cancel request' }, value: item.card.requestId }],
    });
  }
  blocks.push(...more(input.mine.length - mine.length));

  const lines = [
    `${input.waiting.length} request(s) wait for your decision${waiting.length > 0 ? ': ' + waiting.map((w) => plainSummary(w.card)).join('; ') : ''}.`,
    `${input.mine.length} of your requests wait for approval.`,
  ];
  return { text: lines.join(' '), blocks };
}
