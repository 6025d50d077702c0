/**
 * How long a leaked key stays usable, seen from the verify API, one leak at a time:
 *
 *   paste    a live key posted as a signed `message` event into the real Bolt app → the first
 *            POST /v1/keys/verify answering REVOKED
 *   GitHub   a signed secret scanning alert naming one live key → the first REVOKED
 *
 * Verify is polled back to back (one request in flight, keep-alive), starting before the event is
 * sent, so the resolution is one verify round trip; the key is verified (and so cached) first, as
 * a key in use is. Between leaks the bench waits for the messages of the previous one (the
 * poster's notice, the owner's DM), so each leak is measured alone.
 */
import http from 'node:http';
import { performance } from 'node:perf_hooks';
import { dmChannelFor } from '../playground/slack/ids';
import type { SeededKey } from '../test/support/seedKeys';
import { postGithubAlert, signedAlertHeaders, type GithubSigner } from '../test/support/githubKeys';
import type { BenchStack } from './stack';
import { VERIFY_TOKEN } from './stack';

const TIMEOUT_MS = 30_000;

export interface LeakSamples {
  /** Sent → verify answers REVOKED. */
  revoked: number[];
  /** Sent → the sender had its answer (Slack's ack; GitHub's feedback). */
  answered: number[];
  /** Verify round trips while polling, for the resolution. */
  pollMs: number[];
}

export interface VerifyPoller {
  code(key: string): Promise<string>;
  close(): void;
}

export function verifyPoller(url: string): VerifyPoller {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const target = new URL('/v1/keys/verify', url);
  return {
    code: (key) =>
      new Promise((resolve, reject) => {
        const body = JSON.stringify({ key });
        const req = http.request(target, { method: 'POST', agent, headers: { authorization: `Bearer ${VERIFY_TOKEN}`, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => (text += chunk));
          res.on('end', () => resolve((JSON.parse(text) as { code?: string; error?: string }).code ?? `HTTP ${res.statusCode}`));
        });
        req.on('error', reject);
        req.end(body);
      }),
    close: () => agent.destroy(),
  };
}

/** Polls until REVOKED; the time is from `start`. */
async function untilRevoked(poller: VerifyPoller, key: string, start: number, pollMs: number[]): Promise<number> {
  for (;;) {
    const sent = performance.now();
    const code = await poller.code(key);
    const now = performance.now();
    pollMs.push(now - sent);
    if (code === 'REVOKED') return now - start;
    if (code !== 'VALID') throw new Error(`verify answered ${code} while waiting for REVOKED`);
    if (now - start > TIMEOUT_MS) throw new Error(`still not REVOKED after ${TIMEOUT_MS} ms`);
  }
}

async function expectValid(poller: VerifyPoller, key: string): Promise<void> {
  const code = await poller.code(key);
  if (code !== 'VALID') throw new Error(`a seeded key verified as ${code}`);
}

export async function measurePastes(h: BenchStack, keys: readonly SeededKey[]): Promise<LeakSamples> {
  const poller = verifyPoller(h.url);
  const samples: LeakSamples = { revoked: [], answered: [], pollMs: [] };
  try {
    for (const [i, seeded] of keys.entries()) {
      const poster = `U0PASTE${String(i).padStart(4, '0')}`;
      const channel = `C0PASTE${String(i % 20).padStart(2, '0')}`;
      await expectValid(poller, seeded.key);
      const ts = `${Math.floor(Date.now() / 1000)}.${String(i).padStart(6, '0')}`;
      const text = `why does this fail?\n\`\`\`curl -H "Authorization: Bearer ${seeded.key}" https://api.example.com/v1/ping\`\`\``;
      const start = performance.now();
      const acked = h.driver.sendEvent({ event: { type: 'message', channel, channel_type: 'channel', user: poster, text, ts } }).then((res) => {
        if (res.status !== 200) throw new Error(`the message event was answered ${res.status}`);
        return performance.now() - start;
      });
      samples.revoked.push(await untilRevoked(poller, seeded.key, start, samples.pollMs));
      samples.answered.push(await acked);
      await h.fake.waitFor(() => h.fake.ephemeralMessages({ userId: poster, channelId: channel }).find((m) => m.text.includes(seeded.maskedKey)), { timeoutMs: TIMEOUT_MS });
    }
  } finally {
    poller.close();
  }
  return samples;
}

export async function measureGithubAlerts(h: BenchStack, options: { signer: GithubSigner; keys: ReadonlyArray<SeededKey & { ownerId: string }> }): Promise<LeakSamples> {
  const poller = verifyPoller(h.url);
  const samples: LeakSamples = { revoked: [], answered: [], pollMs: [] };
  try {
    for (const [i, seeded] of options.keys.entries()) {
      await expectValid(poller, seeded.key);
      const body = JSON.stringify([{ token: seeded.key, type: 'keyops_api_key', url: `https://github.com/acme/app/blob/${i}/config.js#L3`, source: 'content' }]);
      const headers = signedAlertHeaders(options.signer, body);
      const start = performance.now();
      const answered = postGithubAlert({ url: h.url, body, headers }).then((res) => {
        if (res.status !== 200 || !JSON.stringify(res.json).includes('true_positive')) throw new Error(`the alert was answered ${res.status} ${JSON.stringify(res.json)}`);
        return performance.now() - start;
      });
      samples.revoked.push(await untilRevoked(poller, seeded.key, start, samples.pollMs));
      samples.answered.push(await answered);
      await h.fake.waitFor(() => h.fake.messages({ channelId: dmChannelFor(seeded.ownerId) })[0], { timeoutMs: TIMEOUT_MS });
    }
  } finally {
    poller.close();
  }
  return samples;
}

/** One alert naming `tokens` (GitHub batches what one push holds) → GitHub has its feedback, in ms. */
export async function measureAlertBatch(h: BenchStack, options: { signer: GithubSigner; tokens: readonly string[] }): Promise<number> {
  const body = JSON.stringify(options.tokens.map((token, i) => ({ token, type: 'keyops_api_key', url: `https://github.com/acme/fixtures/blob/main/keys.txt#L${i + 1}`, source: 'content' })));
  const start = performance.now();
  const res = await postGithubAlert({ url: h.url, body, headers: signedAlertHeaders(options.signer, body) });
  if (res.status !== 200 || !Array.isArray(res.json) || res.json.length !== options.tokens.length) throw new Error(`the batch alert was answered ${res.status}`);
  return performance.now() - start;
}
