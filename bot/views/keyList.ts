/**
 * `/apikey list`: a page of someone's keys, visible to the caller only. A message holds at most 50
 * blocks; each key takes three (summary, buttons, divider), so a page shows KEYS_PER_PAGE keys (with
 * the header, requests waiting for approval, the page line and the page buttons: at most 48) and
 * "Previous" / "Next" buttons replace the message with the neighbouring page.
 */
import type { Button, KnownBlock } from '@slack/types';
import { ActionIds, COMMAND, MessageBlocks } from '../ids';
import { escapeMrkdwn, slackDate } from './format';
import { buildKeyRow, statusOf, statusText, type KeyRow, type KeyRowContext } from './keyRows';
import { KEY_STATUS_LABEL } from '../../domain/keyStatus';
import type { Message } from './revealMessages';

export const KEYS_PER_PAGE = 15;

/** What a page button carries: whose list and which page (0-based). */
export interface KeyListCursor {
  ownerId: string;
  page: number;
}

export interface KeyListInput extends KeyRowContext {
  ownerId: string;
  viewerId: string;
  rows: KeyRow[];
  page: number;
  total: number;
  /** Requests waiting for an approver (no key yet), shown on the first page. */
  waiting?: Array<{ name: string; environment: string; createdAt: Date }>;
}

const WAITING_SHOWN = 5;

function waitingBlock(waiting: NonNullable<KeyListInput['waiting']>): KnownBlock {
  const lines = waiting.slice(0, WAITING_SHOWN).map((r) => `${statusText('pending')} *${escapeMrkdwn(r.name)}* (${escapeMrkdwn(r.environment)}), waiting for an approver since ${slackDate(r.createdAt)}`);
  if (waiting.length > WAITING_SHOWN) lines.push(`…and ${waiting.length - WAITING_SHOWN} more: \`${COMMAND} approvals\` lists them`);
  return { type: 'section', text: { type: 'mrkdwn', text: lines.join('\n') } };
}

export function pageCount(total: number): number {
  return Math.max(1, Math.ceil(total / KEYS_PER_PAGE));
}

export function keyListPageActionId(direction: 'prev' | 'next'): string {
  return `${ActionIds.keyListPage}.${direction}`;
}

export function buildKeyList(input: KeyListInput): Message {
  const whose = input.ownerId === input.viewerId ? 'Your keys' : `Keys of <@${input.ownerId}>`;
  const waiting = input.waiting ?? [];
  if (input.total === 0) {
    const text = input.ownerId === input.viewerId ? 'You have no API keys yet. `/apikey new` asks for one.' : `<@${input.ownerId}> has no API keys.`;
    return { text, blocks: [{ type: 'section', text: { type: 'mrkdwn', text } }, ...(waiting.length > 0 ? [waitingBlock(waiting)] : [])] };
  }
  const pages = pageCount(input.total);
  const first = input.page * KEYS_PER_PAGE;
  const blocks: KnownBlock[] = [{ type: 'section', text: { type: 'mrkdwn', text: `*${whose}* (${input.total})` } }];
  if (waiting.length > 0) blocks.push(waitingBlock(waiting));
  input.rows.forEach((row, i) => {
    if (i > 0) blocks.push({ type: 'divider' });
    blocks.push(...buildKeyRow(row, { ...input, index: i, revealable: input.ownerId === input.viewerId }));
  });
  blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: `Page ${input.page + 1} of ${pages} · keys ${first + 1}–${first + input.rows.length} of ${input.total}` }] });
  const nav: Button[] = [];
  const cursor = (page: number): string => JSON.stringify({ ownerId: input.ownerId, page } satisfies KeyListCursor);
  if (input.page > 0) nav.push({ type: 'button', action_id: keyListPageActionId('prev'), text: { type: 'plain_text', text: 'Previous' }, value: cursor(input.page - 1) });
  if (input.page + 1 < pages) nav.push({ type: 'button', action_id: keyListPageActionId('next'), text: { type: 'plain_text', text: 'Next' }, value: cursor(input.page + 1) });
  if (nav.length > 0) blocks.push({ type: 'actions', block_id: MessageBlocks.keyListNav, elements: nav });

  const summary = input.rows.map((row) => `${escapeMrkdwn(row.name)} (${KEY_STATUS_LABEL[statusOf(row, input)]})`).join(', ');
  return { text: `${whose} (page ${input.page + 1} of ${pages}): ${summary}`, blocks };
}
