/**
 * Every HTTP request gets an id (the caller's `X-Request-Id` when it is a sane token, else a new
 * UUID), answered in `X-Request-Id` and carried by every log line written while the request is
 * handled: AsyncLocalStorage follows the handler's async work, so call sites need not pass it.
 * `/v1` routes also get one access log line each (route, status, duration; never the query
 * string, which can carry a signed link).
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from './log';

const requestContext = new AsyncLocalStorage<{ reqId: string }>();
const INCOMING_ID_RE = /^[\w.:-]{1,128}$/;

/** Fields for every log line written inside a request (pino's mixin). */
export function currentRequestFields(): { reqId?: string } {
  return requestContext.getStore() ?? {};
}

/** A bounded label for a path: ids in paths would make one metric series (and log group) per key. */
export function routeOf(path: string): string {
  if (path.startsWith('/v1/usage/chart/')) return '/v1/usage/chart/:keyId';
  if (path.startsWith('/v1/') || path === '/healthz' || path === '/livez' || path === '/metrics' || path === '/slack/events' || path === '/openapi.json' || path === '/') return path.length > 64 ? 'other' : path;
  return 'other';
}

export function handleWithRequestContext(options: {
  req: IncomingMessage;
  res: ServerResponse;
  log: Logger;
  /** Called once the answer is sent: for metrics. */
  onFinish?: (done: { route: string; method: string; status: number; seconds: number }) => void;
  handle: () => void;
}): void {
  const { req, res } = options;
  const incoming = req.headers['x-request-id'];
  const reqId = typeof incoming === 'string' && INCOMING_ID_RE.test(incoming) ? incoming : randomUUID();
  res.setHeader('x-request-id', reqId);
  const started = process.hrtime.bigint();
  const path = (req.url ?? '/').split('?')[0] ?? '/';
  const route = routeOf(path);
  res.once('finish', () => {
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const method = req.method ?? 'GET';
    options.onFinish?.({ route, method, status: res.statusCode, seconds });
    if (route.startsWith('/v1/')) options.log.info('request', { reqId, method, route, status: res.statusCode, ms: Math.round(seconds * 1e4) / 10 });
  });
  requestContext.run({ reqId }, options.handle);
}
