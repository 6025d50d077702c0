/**
 * The acks bench's reference servers, in a process of their own (`node --import tsx
 * bench/ackBaseline.ts`, forked by bench/acks.ts) so that neither shares an event loop with the
 * load generator or with keyops:
 *
 *   baseline  a bare Bolt app, same @slack/bolt and the same HTTPReceiver as keyops, mounted the
 *             same way on a node:http server, that answers `/apikey help` in its ack and
 *             `/apikey list` with an empty ack and then a response_url message built from keys it
 *             holds in memory (keyops's own pure Block Kit builders): what keyops does minus
 *             everything keyops adds (database, Temporal, roles, membership, logs, metrics).
 *   trivial   a node:http server that reads the body and answers 200: the load generator's ceiling.
 *
 * Reads ACK_SIGNING_SECRET, ACK_BOT_TOKEN, ACK_SLACK_API_URL; writes one JSON line with both URLs.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { App, HTTPReceiver, LogLevel } from '@slack/bolt';
import { SLACK_EVENTS_PATH } from '../bot/app';
import { COMMAND } from '../bot/ids';
import { buildHelp } from '../bot/views/help';
import { buildKeyList, KEYS_PER_PAGE } from '../bot/views/keyList';
import type { KeyRow } from '../bot/views/keyRows';

export interface ReferenceServers {
  baseline: string;
  trivial: string;
}

/** The keys the baseline lists: a few per person, like the ones the bench seeds into keyops's store. */
function inMemoryKeys(ownerId: string, count: number): KeyRow[] {
  const day = 86_400_000;
  const now = Date.now();
  return Array.from({ length: count }, (_, i) => ({
    id: `key_${ownerId}_${i}`,
    name: `Service ${ownerId.slice(-2)}-${i}`,
    maskedKey: `ko_test_…${String(1000 + i)}`,
    environment: 'test',
    scopes: ['read'],
    status: 'ACTIVE' as const,
    createdAt: new Date(now - day),
    expiresAt: new Date(now + 30 * day),
    lastUsedAt: null,
    graceEndsAt: null,
  }));
}

function listen(server: http.Server): Promise<string> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`)));
}

async function main(): Promise<void> {
  const signingSecret = process.env.ACK_SIGNING_SECRET ?? '';
  const keysPerPerson = Number(process.env.ACK_KEYS_PER_PERSON ?? 6);
  const receiver = new HTTPReceiver({ signingSecret, endpoints: SLACK_EVENTS_PATH, logLevel: LogLevel.ERROR, unhandledRequestTimeoutMillis: 2900 });
  const app = new App({ token: process.env.ACK_BOT_TOKEN, receiver, logLevel: LogLevel.ERROR, clientOptions: { slackApiUrl: process.env.ACK_SLACK_API_URL }, convoStore: false });
  const keys = new Map<string, KeyRow[]>();
  app.command(COMMAND, async ({ command, ack, respond }) => {
    if (command.text.trim() === 'help') return ack({ response_type: 'ephemeral', ...buildHelp() });
    await ack();
    const owner = command.user_id;
    if (!keys.has(owner)) keys.set(owner, inMemoryKeys(owner, keysPerPerson));
    const rows = keys.get(owner) as KeyRow[];
    await respond({ response_type: 'ephemeral', ...buildKeyList({ ownerId: owner, viewerId: owner, rows: rows.slice(0, KEYS_PER_PAGE), total: rows.length, page: 0, now: new Date(), expiringSoonSeconds: 7 * 86_400 }) });
  });
  const baseline = await listen(http.createServer(receiver.requestListener));
  const trivial = await listen(
    http.createServer((req, res) => {
      req.resume();
      req.on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end('{}'));
    }),
  );
  const servers: ReferenceServers = { baseline, trivial };
  process.stdout.write(`${JSON.stringify(servers)}\n`);
  // A clean exit, so that --cpu-prof (BENCH_NODE_ARGS) writes its profile.
  process.once('SIGTERM', () => process.exit(0));
}

if (require.main === module) void main();
