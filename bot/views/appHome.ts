/**
 * App Home, the dashboard: my live keys (with their buttons), my requests waiting for approval and
 * the approvals waiting for me. A Home tab holds at most 100 blocks; keys beyond HOME_KEY_LIMIT
 * are left to `/apikey list`, which pages.
 */
import type { HomeView, KnownBlock } from '@slack/types';
import type { HomeData } from '../../db/keyListing';
import { COMMAND } from '../ids';
import { buildKeyRow, type KeyRowContext } from './keyRows';
import { escapeMrkdwn, slackDate } from './format';

export const HOME_KEY_LIMIT = 20;
const LIST_LIMIT = 10;

function header(text: string): KnownBlock {
  return { type: 'header', text: { type: 'plain_text', text } };
}

function section(text: string): KnownBlock {
  return { type: 'section', text: { type: 'mrkdwn', text } };
}

function keysSection(data: HomeData, context: KeyRowContext): KnownBlock[] {
  const { active, expiringSoon, pending } = data.counts;
  const summary = `${active} active${expiringSoon > 0 ? ` (${expiringSoon} expiring soon)` : ''}, ${pending} pending reveal.`;
  const blocks: KnownBlock[] = [header('Your API keys'), section(summary)];
  if (data.keys.length === 0) {
    blocks.push(section(`You have no live keys. \`${COMMAND} new\` asks for one.`));
    return blocks;
  }
  data.keys.forEach((row, i) => {
    blocks.push(...buildKeyRow(row, { ...context, index: i }), { type: 'divider' });
  });
  const shown = data.keys.length;
  const rest = data.totalKeys - shown;
  if (rest > 0) blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: `${rest} more (expired, revoked or beyond the first ${shown}): \`${COMMAND} list\` shows them all.` }] });
  return blocks;
}

function requestLines(data: HomeData): KnownBlock[] {
  const blocks: KnownBlock[] = [header('Your requests waiting for approval')];
  if (data.pendingRequests.length === 0) return [...blocks, section('None.')];
  const lines = data.pendingRequests.slice(0, LIST_LIMIT).map((r) => `• *${escapeMrkdwn(r.name)}* (${escapeMrkdwn(r.environment)}), asked ${slackDate(r.createdAt)}`);
  return [...blocks, section(lines.join('\n'))];
}

function approvalLines(data: HomeData): KnownBlock[] {
  if (data.approvals.length === 0) return [];
  const lines = data.approvals
    .slice(0, LIST_LIMIT)
    .map((r) => `• *${escapeMrkdwn(r.name)}* (${escapeMrkdwn(r.environment)}) for <@${r.requesterId}>, asked ${slackDate(r.createdAt)}`);
  return [header('Approvals waiting for you'), section(lines.join('\n'))];
}

export function buildAppHome(input: { data: HomeData } & KeyRowContext): HomeView {
  const { data } = input;
  const blocks: KnownBlock[] = [
    ...keysSection(data, input),
    ...requestLines(data),
    ...approvalLines(data),
    { type: 'context', elements: [{ type: 'mrkdwn', text: `Updated ${slackDate(input.now)} · \`${COMMAND} help\` lists every command.` }] },
  ];
  return { type: 'home', blocks };
}
