// Slack's mrkdwn to safe HTML: *bold*, _italic_, ~strike~, `code`, ```blocks```, > quotes,
// <@user>, <!subteam^S…>, <#C…>, <url|text>, <!date^…> and the emoji keyops uses.
// Everything is escaped first; only the markup built here reaches innerHTML.

const EMOJI = {
  no_entry: '⛔', white_check_mark: '✅', warning: '⚠️', hourglass: '⌛', hourglass_flowing_sand: '⏳',
  rotating_light: '🚨', no_entry_sign: '🚫', key: '🔑', arrows_counterclockwise: '🔄', alarm_clock: '⏰',
  zzz: '💤', white_circle: '⚪', red_circle: '🔴', raised_hand: '✋', lock: '🔒', leftwards_arrow_with_hook: '↩️',
  large_yellow_circle: '🟡', large_green_circle: '🟢', information_source: 'ℹ️', calendar: '📅', tada: '🎉',
  wave: '👋', bell: '🔔', x: '❌', eyes: '👀', bar_chart: '📊', mag: '🔍', unlock: '🔓',
};

export const escapeHtml = (text) =>
  String(text).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);

/** Slack escapes &, < and > in message text; undo that before escaping for HTML. */
const unescapeSlack = (text) => text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const pad = (n) => String(n).padStart(2, '0');

function dayWord(date) {
  const day = (d) => new Date(d.getFullYear(), d.getMonth(), d.getDate()).getTime();
  const diff = Math.round((day(date) - day(new Date())) / 86_400_000);
  return diff === 0 ? 'today' : diff === -1 ? 'yesterday' : diff === 1 ? 'tomorrow' : null;
}

/** `<!date^unix^{date_short_pretty} {time}|fallback>` in the reader's own zone, as Slack shows it. */
export function formatSlackDate(unix, format) {
  const d = new Date(Number(unix) * 1000);
  const short = `${MONTHS[d.getMonth()]} ${d.getDate()}`;
  const long = `${short}, ${d.getFullYear()}`;
  const tokens = {
    date_num: `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`,
    date: long, date_short: short, date_long: long,
    date_pretty: dayWord(d) ?? long, date_short_pretty: dayWord(d) ?? short, date_long_pretty: dayWord(d) ?? long,
    time: `${pad(d.getHours())}:${pad(d.getMinutes())}`, time_secs: `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`,
  };
  return format.replace(/\{(\w+)\}/g, (whole, name) => tokens[name] ?? whole);
}

/** One `<…>` token as HTML; `names` maps user and group ids to display names. */
function renderToken(inner, names) {
  const [target, label] = inner.split('|', 2);
  if (target.startsWith('@')) return `<span class="mention">@${escapeHtml(names.users[target.slice(1)] ?? target.slice(1))}</span>`;
  if (target.startsWith('!subteam^')) {
    const id = target.slice('!subteam^'.length);
    return `<span class="mention">@${escapeHtml(label?.replace(/^@/, '') ?? names.groups[id] ?? id)}</span>`;
  }
  if (target.startsWith('!date^')) {
    const [, unix, format] = target.split('^');
    return `<time datetime="${escapeHtml(new Date(Number(unix) * 1000).toISOString())}">${escapeHtml(formatSlackDate(unix, format ?? '{date}'))}</time>`;
  }
  if (target.startsWith('!')) return `<span class="mention">@${escapeHtml(label ?? target.slice(1))}</span>`;
  if (target.startsWith('#')) return `<span class="mention">#${escapeHtml(label ?? names.channels?.[target.slice(1)] ?? target.slice(1))}</span>`;
  if (/^(https?:|mailto:)/.test(target)) {
    return `<a href="${escapeHtml(target)}" target="_blank" rel="noopener noreferrer">${escapeHtml(unescapeSlack(label ?? target))}</a>`;
  }
  return escapeHtml(`<${inner}>`);
}

function inline(text) {
  return text
    .replace(/`([^`\n]+)`/g, (_, code) => `<code>${code}</code>`)
    .replace(/(^|[\s(])\*([^*\n]+)\*(?=$|[\s).,:;!?])/g, '$1<b>$2</b>')
    .replace(/(^|[\s(])_([^_\n]+)_(?=$|[\s).,:;!?])/g, '$1<i>$2</i>')
    .replace(/(^|[\s(])~([^~\n]+)~(?=$|[\s).,:;!?])/g, '$1<s>$2</s>')
    .replace(/:([a-z0-9_+-]+):/g, (whole, name) => EMOJI[name] ?? whole);
}

export function mrkdwn(text, names) {
  const tokens = [];
  // Tokens become placeholders first, so formatting around them (*<@U1>*) still applies.
  const held = String(text).replace(/<([^<>\n]+)>/g, (_, inner) => `\u0000${tokens.push(renderToken(inner, names)) - 1}\u0000`);
  const parts = escapeHtml(unescapeSlack(held)).split(/```/);
  const html = parts.map((part, i) => {
    if (i % 2 === 1) return `<pre class="code">${part.replace(/^\n/, '')}</pre>`;
    // The line breaks around a code block belong to the block, not to the text.
    let text = part;
    if (i > 0) text = text.replace(/^\n/, '');
    if (i < parts.length - 1) text = text.replace(/\n$/, '');
    return text.split('\n').map((line) => (/^&gt;/.test(line) ? `<blockquote>${inline(line.replace(/^&gt; ?/, ''))}</blockquote>` : inline(line))).join('<br>');
  }).join('');
  return html.replace(/\u0000(\d+)\u0000/g, (_, i) => tokens[Number(i)]);
}

export const plainText = (text) => escapeHtml(text).replace(/:([a-z0-9_+-]+):/g, (whole, name) => EMOJI[name] ?? whole);

/** A Block Kit text object (plain_text or mrkdwn) as HTML. */
export function textObject(obj, names) {
  if (!obj) return '';
  return obj.type === 'mrkdwn' ? mrkdwn(obj.text, names) : plainText(obj.text);
}
