/**
 * One HTTP server per process: Slack's events (when the bot runs here), health, metrics and the API.
 */
import http, { type RequestListener } from 'node:http';
import type { AddressInfo } from 'node:net';
import { sendJson } from '../api/http';
import type { RouteHandler } from '../api/routes';
import { SLACK_EVENTS_PATH } from '../bot/app';
import type { Logger } from './log';
import { httpRequestSeconds } from './metrics';
import { handleWithRequestContext } from './requestContext';

export interface RunningHttpServer {
  port: number;
  url: string;
  close(): Promise<void>;
}

/** How long requests in flight may finish once a stop began. */
const DRAIN_MS = 2_000;

export async function startHttpServer(options: { port: number; host?: string; routes: RouteHandler; slack: RequestListener | null; log: Logger; metrics?: () => Promise<{ contentType: string; body: string }>; drainMs?: number }): Promise<RunningHttpServer> {
  const server = http.createServer((req, res) => handleWithRequestContext({ req, res, log: options.log, onFinish: observeRequest, handle: () => answer(req, res) }));
  const answer = (req: http.IncomingMessage, res: http.ServerResponse): void => {
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/metrics' && options.metrics) {
      const render = options.metrics;
      req.resume();
      render().then(
        ({ contentType, body }) => res.writeHead(200, { 'content-type': contentType }).end(body),
        (error: unknown) => (options.log.error('metrics failed', { error }), sendJson(res, 500, { error: 'internal_error' })),
      );
      return;
    }
    if (path === SLACK_EVENTS_PATH) {
      if (options.slack) return options.slack(req, res);
      req.resume();
      return sendJson(res, 503, { error: 'slack_not_configured', message: 'set SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET' });
    }
    options.routes(req, res).then(
      (handled) => {
        if (!handled) sendJson(res, 404, { error: 'not_found' });
      },
      (error: unknown) => {
        options.log.error('request failed', { path, method: req.method, error });
        if (!res.headersSent) sendJson(res, 500, { error: 'internal_error' });
        else res.destroy();
      },
    );
  };
  // Gateways keep connections open; keep them longer than typical load balancers' idle timeouts.
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host ?? '0.0.0.0', () => resolve());
  });
  const sockets = new Set<import('node:net').Socket>();
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  const countOpen = (): number => sockets.size;
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    url: `http://127.0.0.1:${port}`,
    // Requests in flight get a short drain; then whatever is left (a client still uploading, a
    // handler waiting on an unreachable Slack) is cut, or close() would wait for it indefinitely.
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
        setTimeout(() => {
          const open = countOpen();
          if (open > 0) options.log.warn('http drain cut short', { connections: open });
          server.closeAllConnections();
        }, options.drainMs ?? DRAIN_MS).unref();
      }),
  };
}

function observeRequest(done: { route: string; method: string; status: number; seconds: number }): void {
  httpRequestSeconds.observe({ route: done.route, method: done.method, status: String(done.status) }, done.seconds);
}
