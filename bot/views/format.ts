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
