/** `/apikey audit`: one page of the audit log, a line per event (who, what, when, where, why). */
import type { KnownBlock } from '@slack/types';
import type { AuditLine } from '../../db/auditTrail';
import { ActionIds } from '../ids';
import { escapeMrkdwn, slackDate, truncate } from './format';
import type { Message } from './revealMessages';

export function buildAuditPage(options: { title: string; lines: AuditLine[]; next: string | null }): Message {
  const header = `*${escapeMrkdwn(options.title)}*, newest first`;
  if (options.lines.length === 0) return { text: `${options.title}: nothing recorded`, blocks: [section(`${header}\n_Nothing recorded in that period._`)] };
  const blocks: KnownBlock[] = [section(header), ...options.lines.map((line) => section(formatLine(line)))];
  if (options.next) {
    blocks.push({ type: 'actions', elements: [{ type: 'button', text: { type: 'plain_text', text: 'Older' }, action_id: ActionIds.auditPage, value: options.next }] });
  }
  return { text: `${options.title}: ${options.lines.length} events`, blocks };
}

function section(text: string): KnownBlock {
  return { type: 'section', text: { type: 'mrkdwn', text } };
}

function formatLine(line: AuditLine): string {
  const details = (line.details ?? {}) as Record<string, unknown>;
  const reason = typeof details.reason === 'string' && details.reason.length > 0 ? ` · _${escapeMrkdwn(truncate(details.reason, 200))}_` : '';
  const target = line.targetType === 'user' ? (line.targetId.startsWith('U') ? `<@${line.targetId}>` : escapeMrkdwn(line.targetId)) : `\`${escapeMrkdwn(line.targetId)}\``;
  return `${slackDate(line.at)} · ${actorText(line.actorId)} · *${escapeMrkdwn(line.action)}* ${target} · ${whereText(line.source)}${reason}`;
}

function actorText(actorId: string): string {
  if (/^[UW][A-Z0-9]+$/.test(actorId)) return `<@${actorId}>`;
  return escapeMrkdwn(actorId);
}

/** Where from: a Slack channel, the API, the admin CLI, GitHub, or a timer (workflow). */
function whereText(source: string): string {
  const channel = /^slack:[^/]*\/([CDG][A-Z0-9]+)$/.exec(source)?.[1];
  if (channel) return channel.startsWith('D') ? 'Slack DM' : `<#${channel}>`;
  if (source.startsWith('slack')) return 'Slack';
  if (source === 'api' || source.startsWith('api')) return 'API';
  if (source === 'cli') return 'CLI';
  if (source.toLowerCase().includes('github')) return 'GitHub';
  return escapeMrkdwn(truncate(source, 60));
}
