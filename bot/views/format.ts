/** Small text formatters shared by view builders (mrkdwn; Slack renders dates in each reader's zone). */
import { formatDuration } from '../../domain/duration';

export function slackDate(date: Date): string {
  const unix = Math.floor(date.getTime() / 1000);
  return `<!date^${unix}^{date_short_pretty} {time}|${date.toISOString()}>`;
}

export function scopeList(scopes: readonly string[], sensitive: ReadonlySet<string> = new Set()): string {
  if (scopes.length === 0) return '_none_';
  return scopes.map((s) => (sensitive.has(s) ? `\`${s}\` :lock:` : `\`${s}\``)).join(', ');
}

export function lifetimeText(seconds: number): string {
  return formatDuration(seconds);
}

/** Slack mrkdwn needs &, < and > escaped in user-provided text. */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** A Slack mention: user-group ids (S…) notify the group, user ids the user. */
export function mention(id: string): string {
  return id.startsWith('S') ? `<!subteam^${id}>` : `<@${id}>`;
}

export function mentionList(ids: readonly string[]): string {
  if (ids.length === 0) return '_nobody_';
  if (ids.length === 1) return mention(ids[0] as string);
  return `${ids.slice(0, -1).map(mention).join(', ')} or ${mention(ids[ids.length - 1] as string)}`;
}

/** Cuts user text to fit a block, marking the cut. */
export function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** " by <@U…>" for a person; " by keyops" for a leak keyops revoked itself; nothing for timers ("system"). */
export function revokedByText(revokedBy: string | null): string {
  if (!revokedBy || revokedBy === 'system') return '';
  if (revokedBy.startsWith('cli:')) return ` by an operator (${escapeMrkdwn(revokedBy)}, admin CLI)`;
  return revokedBy === 'keyops' ? ' by keyops' : ` by <@${revokedBy}>`;
}
