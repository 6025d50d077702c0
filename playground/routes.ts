/**
 * The playground's HTTP routes on keyops's own port: the page and its assets, what a persona
 * sees, live updates (Server-Sent Events) and the person's interactions.
 *
 * It is a demo for one person on their own machine, so two guards keep other web pages out:
 * the Host header must name this machine (a DNS-rebinding page cannot read or click through it)
 * and every POST must be JSON (a cross-site form cannot send that without a preflight nobody
 * answers here).
 */
import { readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';
import type { z } from 'zod';
import type { RouteHandler } from '../api/routes';
import type { Logger } from '../runtime/log';
import { clickSchema, commandSchema, homeSchema, NotPossible, selectSchema, submitSchema, viewSchema, type Interactions } from './interactions';
import { snapshotFor } from './snapshot';
import type { FakeSlack } from './slack';

/** What the page shows beside the conversations: who one can be, and how to try a key. */
export interface SessionInfo {
  personas: Array<{ id: string; name: string; roles: string[] }>;
  placeholders: boolean;
  groups: Record<string, string>;
  channel: { id: string; name: string };
  verify: { url: string; token: string | null };
  displaySeconds: number;
}

const ASSETS: Record<string, string> = {
  'index.html': 'text/html; charset=utf-8',
  'playground.css': 'text/css; charset=utf-8',
  'playground.js': 'text/javascript; charset=utf-8',
  'blockKit.js': 'text/javascript; charset=utf-8',
  'mrkdwn.js': 'text/javascript; charset=utf-8',
  'modal.js': 'text/javascript; charset=utf-8',
};
const MAX_BODY = 64 * 1024;

/** From the sources (ts-jest, tsx) and from dist/ alike. */
function assetDir(): string {
  for (const dir of [path.join(__dirname, 'public'), path.resolve(__dirname, '..', '..', 'playground', 'public')]) {
    try {
      readFileSync(path.join(dir, 'index.html'));
      return dir;
    } catch {
      // try the next location
    }
  }
  throw new Error('playground/public not found');
}

const send = (res: ServerResponse, status: number, body: unknown): void => {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
  res.end(JSON.stringify(body));
};

function readJson(req: IncomingMessage): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY) req.destroy(new Error('body too large'));
      else chunks.push(chunk);
    });
    req.on('end', () => {
      try {
        resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')));
      } catch {
        resolve(undefined);
      }
    });
    req.on('error', reject);
  });
}

const LOCAL_HOST = /^(127\.0\.0\.1|localhost|\[::1\])(:\d+)?$/;

export interface PlaygroundRoutes {
  routes: RouteHandler;
  /** Ends the live-update streams, which would otherwise hold the HTTP server open at shutdown. */
  closeStreams(): void;
}

/** `anyHost`: the operator bound keyops beyond this machine (HOST), so other Host names are theirs. */
export function createPlaygroundRoutes(options: { fake: FakeSlack; interactions: Interactions; session: () => SessionInfo; log: Logger; anyHost?: boolean }): PlaygroundRoutes {
  const dir = assetDir();
  const assets = new Map(Object.entries(ASSETS).map(([name, type]) => [name, { type, body: readFileSync(path.join(dir, name)) }]));
  const hostAllowed = (host: string | undefined): boolean => options.anyHost === true || (host !== undefined && LOCAL_HOST.test(host));
  const streams = new Set<ServerResponse>();

  const posts: Record<string, { schema: z.ZodType; run: (input: never) => Promise<void> }> = {
    '/playground/command': { schema: commandSchema, run: options.interactions.command },
    '/playground/click': { schema: clickSchema, run: options.interactions.click },
    '/playground/select': { schema: selectSchema, run: options.interactions.select },
    '/playground/submit': { schema: submitSchema, run: options.interactions.submit },
    '/playground/close': { schema: viewSchema, run: options.interactions.close },
    '/playground/home': { schema: homeSchema, run: options.interactions.openHome },
  };

  const routes: RouteHandler = async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://playground.invalid');
    const name = url.pathname === '/' ? 'index.html' : url.pathname.replace(/^\/playground\/assets\//, '');
    const asset = url.pathname === '/' || url.pathname.startsWith('/playground/assets/') ? assets.get(name) : undefined;
    if (!asset && !url.pathname.startsWith('/playground/')) return false;
    if (!hostAllowed(req.headers.host)) return send(res, 403, { error: 'the playground answers only on this machine (Host header)' }), true;
    if (asset && req.method === 'GET') {
      res.writeHead(200, { 'content-type': asset.type, 'cache-control': 'no-store', 'x-content-type-options': 'nosniff', 'x-frame-options': 'DENY' });
      res.end(asset.body);
      return true;
    }
    if (url.pathname === '/playground/session' && req.method === 'GET') return send(res, 200, options.session()), true;
    if (url.pathname === '/playground/state' && req.method === 'GET') {
      const user = url.searchParams.get('user') ?? '';
      if (!options.session().personas.some((p) => p.id === user)) return send(res, 404, { error: 'unknown persona' }), true;
      return send(res, 200, snapshotFor(options.fake, user)), true;
    }
    if (url.pathname === '/playground/events' && req.method === 'GET') return streamChanges({ fake: options.fake, req, res, streams }), true;
    const post = posts[url.pathname];
    if (!post || req.method !== 'POST') return send(res, 404, { error: 'not_found' }), true;
    if (!(req.headers['content-type'] ?? '').startsWith('application/json')) return send(res, 415, { error: 'send JSON' }), true;
    const parsed = post.schema.safeParse(await readJson(req));
    if (!parsed.success) return send(res, 400, { error: 'malformed request' }), true;
    try {
      await post.run(parsed.data as never);
      send(res, 200, { ok: true });
    } catch (error) {
      // A refusal the person caused (a stale page, Slack's own rules) is theirs to read; the rest is logged.
      if (!(error instanceof NotPossible)) options.log.warn('playground interaction failed', { path: url.pathname, error: (error as Error).message });
      send(res, 400, { ok: false, error: (error as Error).message });
    }
    return true;
  };
  return {
    routes,
    closeStreams: () => {
      for (const res of streams) res.end();
    },
  };
}

/** One `change` event per burst of changes; the page then reads its persona's state again. */
function streamChanges(options: { fake: FakeSlack; req: IncomingMessage; res: ServerResponse; streams: Set<ServerResponse> }): void {
  const { fake, req, res, streams } = options;
  streams.add(res);
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', connection: 'keep-alive' });
  res.write('retry: 1000\n\n');
  let pending: NodeJS.Timeout | null = null;
  const unsubscribe = fake.state.onChange(() => {
    pending ??= setTimeout(() => {
      pending = null;
      res.write(`event: change\ndata: ${Date.now()}\n\n`);
    }, 30);
  });
  // Proxies and browsers drop silent streams; a comment every 15 s keeps it open.
  const heartbeat = setInterval(() => res.write(': keep-alive\n\n'), 15_000);
  req.on('close', () => {
    streams.delete(res);
    unsubscribe();
    clearInterval(heartbeat);
    if (pending) clearTimeout(pending);
  });
}
