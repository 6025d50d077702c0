/**
 * Channel traffic for the paste-detection bench: Slack `message` events as an engineering
 * workspace sends them, almost none holding a key. Seeded: every run has the same mix and texts (only the random part of
 * key-shaped strings differs).
 *
 *   chat          one-liners and questions                                     40 in 94
 *   code          code blocks: curl lines, stack traces, config, other vendors' tokens  15
 *   links         <url|label> links, query strings included                    15
 *   long          1-3 KB of prose (incident write-ups, release notes)          10
 *   unfurls       a link with its attachment (title, text, original_url)        5
 *   prefix        the deployment's prefix without a key: masked keys (ko_live_…3f8a),
 *                 environment names, snake_case identifiers                     5
 *   look-alikes   key-shaped strings whose checksum is wrong (a typo, a made-up example)  4
 *   edits         6% of all of these arrive as `message_changed`, with the previous version
 *   keys          a well-formed key (right checksum) nobody issued: `keyRate` of messages (default 0)
 */
import { encodeChecksum, mintKey } from '../domain/keyFormat';
import { seededRandom } from './seededRandom';

type Event = Record<string, unknown>;

const WORDS = 'the deploy failed again on staging because the migration timed out can someone look at this before standup I think it is the cache or the new index we rolled back and the error rate dropped please review my PR when you have a minute thanks lgtm shipping it now incident postmortem tomorrow at ten customer reported a timeout on the billing export'.split(' ');
const CHAT = ['lgtm', 'thanks!', ':+1:', 'on it', 'can someone review https://github.com/acme/app/pull/4821 ?', 'is staging down for anyone else?', 'standup in 5', 'I will take a look after lunch', 'ship it :rocket:', '<@U0ANA> can you check the alerts?'];
const CODE = [
  '```\ncurl -s -H "Authorization: Bearer $API_TOKEN" https://api.example.com/v1/orders?limit=50\n```',
  '```\nTypeError: Cannot read properties of undefined (reading \'id\')\n    at handler (/srv/app/dist/routes/orders.js:118:23)\n    at processTicksAndRejections (node:internal/process/task_queues:95:5)\n```',
  '```\nDATABASE_URL=postgres://app@db.internal:5432/app\nREDIS_URL=redis://cache.internal:6379\nSTRIPE_KEY=sk_test_4eC39HqLyjWDarjtT1zdp7dc\n```',
  '```\n{"level":"error","msg":"upstream 503","route":"/v1/keys/verify","latency_ms":1834,"trace":"5f2a9c0e7d1b4a66"}\n```',
  '`kubectl rollout restart deploy/api -n prod`',
  '```\nAuthorization: Bearer eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U\n```',
];
const LINKS = [
  '<https://github.com/acme/app/pull/4821|#4821 fix retry budget>',
  'dashboard: <https://grafana.internal/d/abc123/api?orgId=1&from=now-6h&to=now&var-env=production>',
  'docs at <https://docs.example.com/keys/rotation#grace-period|rotation guide>',
  '<https://acme.atlassian.net/browse/OPS-1182|OPS-1182> is the ticket',
];

export interface TrafficOptions {
  count: number;
  /** The deployment's key prefix and an environment tag. */
  prefix: string;
  envTag: string;
  /** Share of messages holding a well-formed key nobody issued (0 for "without keys"). */
  keyRate?: number;
  seed?: number;
}

export function channelTraffic(options: TrafficOptions): Event[] {
  const rand = seededRandom(options.seed ?? 13);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rand() * list.length)] as T;
  const prose = (words: number): string => Array.from({ length: words }, () => pick(WORDS)).join(' ');
  const lookAlike = (): string => {
    const key = mintKey({ prefix: options.prefix, envTag: options.envTag });
    const body = key.slice(0, -7);
    const right = encodeChecksum(body);
    const wrong = right.split('').reverse().join('');
    return `${body}_${wrong === right ? '000000' : wrong}`;
  };
  const masked = (): string => `${options.prefix}_${options.envTag}_…${mintKey({ prefix: options.prefix, envTag: options.envTag }).slice(-4)}`;
  const kinds: Array<[number, () => { text: string; attachments?: Event[] }]> = [
    [40, () => ({ text: rand() < 0.5 ? pick(CHAT) : prose(5 + Math.floor(rand() * 20)) })],
    [15, () => ({ text: `${prose(8)}\n${pick(CODE)}` })],
    [15, () => ({ text: `${prose(6)} ${pick(LINKS)} ${prose(4)}` })],
    [10, () => ({ text: prose(200 + Math.floor(rand() * 300)) })],
    [5, () => ({ text: `see <${(pick(LINKS).slice(1).split('|')[0] as string).replace(/>.*/, '')}>`, attachments: [{ title: prose(6), text: prose(40), fallback: prose(6), original_url: 'https://github.com/acme/app/pull/4821' }] })],
    [5, () => ({ text: `is ${masked()} still used? the ${options.prefix}_${options.envTag} environment and ${options.prefix}_request_id look fine` })],
    [4, () => ({ text: `${prose(6)} \`${lookAlike()}\` ${prose(4)}` })],
  ];
  const total = kinds.reduce((sum, [weight]) => sum + weight, 0);
  const anyMessage = (): { text: string; attachments?: Event[] } => {
    let r = rand() * total;
    for (const [weight, make] of kinds) {
      if ((r -= weight) < 0) return make();
    }
    return (kinds[0] as (typeof kinds)[number])[1]();
  };
  const events: Event[] = [];
  for (let i = 0; i < options.count; i++) {
    const user = `U0TEAM${String(Math.floor(rand() * 200)).padStart(3, '0')}`;
    const channel = `C0CHAN${String(Math.floor(rand() * 40)).padStart(2, '0')}`;
    const ts = `${1_700_000_000 + i}.${String(i % 1_000_000).padStart(6, '0')}`;
    const { text, attachments } = rand() < (options.keyRate ?? 0) ? { text: `${prose(5)} ${mintKey({ prefix: options.prefix, envTag: options.envTag })}`, attachments: undefined } : anyMessage();
    const message: Event = { type: 'message', channel, channel_type: 'channel', user, text, ts, ...(attachments && { attachments }) };
    // 6 in 100: an edit, the new text and the version before it, as Slack sends `message_changed`.
    if (rand() < 0.06) {
      events.push({ type: 'message', subtype: 'message_changed', channel, channel_type: 'channel', hidden: true, ts: `${ts}1`, message: { ...message, edited: { user, ts } }, previous_message: { type: 'message', user, ts, text: prose(10) } });
      continue;
    }
    events.push(message);
  }
  return events;
}
