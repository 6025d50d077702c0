/**
 * The HTTP side of the fake: a server on 127.0.0.1 (random port) that speaks
 * Slack's Web API and response_url protocols and hands parsed requests to FakeSlack.
 *
 * keyops talks to it through its real clients (@slack/web-api via Bolt's
 * `clientOptions.slackApiUrl`, and `respond()` via fetch), so the test covers
 * the real serialization, not a mocked client.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { FakeSlack } from './fakeSlack';
import { faultReply } from './faults';
import type { FakeSlackOptions, Obj } from './types';

/** Free-text fields whose content may legitimately look like JSON and must stay strings. */
const TEXT_FIELDS = new Set(['text', 'markdown_text']);

/**
 * Parses a Web API body. Nested objects arrive as JSON strings in form bodies;
 * they are parsed back so tests assert on structures. A nested field that is
 * not valid JSON stays a string, which handlers report as Slack would.
 */
export function parseApiArgs(raw: string, contentType: string): Obj {
  if (contentType.includes('application/json')) {
    try {
      const parsed: unknown = JSON.parse(raw || '{}');
      return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as Obj) : {};
    } catch {
      return {};
    }
  }
  const args: Obj = {};
  for (const [key, value] of new URLSearchParams(raw)) {
    const looksJson = value.startsWith('{') || value.startsWith('[');
    if (looksJson && !TEXT_FIELDS.has(key)) {
      try {
        args[key] = JSON.parse(value);
        continue;
      } catch {
        // Keep the raw string; see above.
      }
    }
    args[key] = value;
  }
  return args;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function bearer(req: IncomingMessage): string | undefined {
  const match = /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? '');
  return match?.[1]?.trim();
}

async function route(fake: FakeSlack, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', fake.baseUrl);
  const raw = await readBody(req);
  const api = /^\/api\/([A-Za-z0-9_.]+)$/.exec(url.pathname);
  const response = /^\/response\/([a-f0-9]+)$/.exec(url.pathname);
  const target = api?.[1] ?? (response?.[1] !== undefined && req.method === 'POST' ? 'response_url' : undefined);
  // An injected fault answers instead of Slack; a hang applies the call (or not) and never answers.
  const fault = target === undefined ? undefined : fake.faults.take(target);
  if (fault && fault.kind !== 'hang') {
    const reply = faultReply(fault);
    res.writeHead(reply.status, reply.headers);
    res.end(reply.body);
    return;
  }
  const hang = fault?.kind === 'hang';
  if (hang && !fault.apply) return;
  if (api?.[1] !== undefined) {
    const args = parseApiArgs(raw, req.headers['content-type'] ?? '');
    const token = bearer(req) ?? (typeof args.token === 'string' ? args.token : undefined);
    const reply = fake.handleApiCall(api[1], args, token);
    if (hang) return;
    res.writeHead(reply.status, { 'content-type': 'application/json; charset=utf-8', ...reply.headers });
    res.end(JSON.stringify(reply.body));
    return;
  }
  if (response?.[1] !== undefined && req.method === 'POST') {
    const result = fake.handleResponseUrl(response[1], `${fake.baseUrl}${url.pathname}`, raw);
    if (hang) return;
    res.writeHead(result.status, { 'content-type': 'text/plain; charset=utf-8' });
    res.end(result.body);
    return;
  }
  res.writeHead(404, { 'content-type': 'text/plain' });
  res.end('not_found');
}

/** Starts the fake on a random localhost port. Always `await fake.close()` (e.g. in afterAll). */
export async function startFakeSlack(options: FakeSlackOptions = {}): Promise<FakeSlack> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const stop = (): Promise<void> =>
    new Promise((resolve, reject) => {
      // web-api's fetch keeps connections alive; without this close() waits for them.
      server.closeAllConnections();
      server.close((error) => (error ? reject(error) : resolve()));
    });
  const fake = new FakeSlack(`http://127.0.0.1:${port}`, options, stop);
  // Attached only now: nobody can know the port before listen() returned.
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    route(fake, req, res).catch((error: unknown) => {
      // A bug in the fake must be loud, but must not crash the test process.
      res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(`fake slack error: ${error instanceof Error ? error.stack : String(error)}`);
    });
  });
  return fake;
}
