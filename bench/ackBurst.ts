/**
 * The acks bench's load generator, in its own process (`node --import tsx bench/ackBurst.ts`,
 * forked with IPC by bench/acks.ts) so that it shares no event loop with what it measures. Each
 * message is a burst: signed Slack requests, all sent at once, each on its own connection as Slack
 * sends them; the answer is each request's status, ack body and time to the response headers.
 */
import { postRaw } from '../playground/slack/http';
import type { SignedRequest } from '../playground/slack';

export interface BurstAnswer {
  status: number;
  body: string;
  /** Milliseconds from sending the request until the response headers arrived: the ack. */
  elapsedMs: number;
}

export type BurstMessage = { type: 'burst'; requests: SignedRequest[] } | { type: 'exit' };

async function fire(requests: readonly SignedRequest[]): Promise<BurstAnswer[]> {
  return Promise.all(
    requests.map((r) =>
      postRaw(r.url, r.body, r.headers).then(
        (res) => ({ status: res.status, body: res.body, elapsedMs: res.elapsedMs }),
        (error: unknown) => ({ status: 0, body: String(error), elapsedMs: NaN }),
      ),
    ),
  );
}

if (require.main === module && process.send) {
  process.on('message', (message: BurstMessage) => {
    if (message.type === 'exit') return process.exit(0);
    void fire(message.requests).then((answers) => process.send?.(answers));
  });
}
