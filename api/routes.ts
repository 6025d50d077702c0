/**
 * The HTTP API: health, key verification and usage reports. Plain node:http, no framework, because verify is
 * the hot path every company API calls on every request.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '../runtime/log';
import type { Db } from '../db/client';
import type { Policy } from '../domain/policy';
import type { ChartRenderer } from './chartRenderer';
import { createFailureThrottle, refuseFlood, type FailureThrottle } from './failureThrottle';
import { callerName } from '../domain/firstCall';
import { GATEWAY_AUTHORIZE_PATH, GatewayHeaders, answerAuthorize } from './gatewayAuthorize';
import { OPENAPI_PATH, openApiJson } from './openapi/document';
import { answerGithubAlert, type GithubLeakDeps } from './githubLeaks';
import { CODEC_PATHS, createCodecEndpoint, type CodecEndpointDeps } from './codecEndpoint';
import { bearerToken, peerAddress, readBody, sendJson, tokenDigest, tokenMatches, tokenMatchesOn } from './http';
import { CHART_PATH_RE, checkChartUrl, renderUsageChart } from './usageChart';
import { MAX_USAGE_ENTRIES, ingestUsage, usageBatchSchema, type UsageIngestDeps } from './usageIngest';
import { verifyKey, type VerifyDeps } from './verify';

export const MAX_BODY_BYTES = 8 * 1024;
export const LIVENESS_PATH = '/livez';
/** A full batch of usage entries, each with a full key at most: ~600 bytes an entry. */
export const MAX_USAGE_BODY_BYTES = 640 * 1024;

export interface HealthCheck {
  name: string;
  check(): Promise<void>;
  /**
   * False for what only slows this process down (the verify cache, say): its failure shows as
   * "degraded" in the answer, for operators, but the process still answers 200.
   */
  critical?: boolean;
  /** What a failed non-critical check reads as; "degraded" unless said otherwise. */
  failedAs?: 'degraded' | 'unavailable';
}

export interface ApiDeps {
  /** Absent where this process does not verify keys (a bot-only process): verification is refused. */
  verify?: VerifyDeps;
  /** Absent where this process does not verify keys: usage reports are refused like verifications. */
  ingest?: UsageIngestDeps;
  /** Serves the usage message's chart at its signed URL (api/usageChart.ts). */
  chart?: { db: Db; secret: string; clock: () => Date; renderer: ChartRenderer; policy: Policy };
  /** Bearer token company APIs present; verification is refused when it is unset. */
  verifyApiToken: string | undefined;
  healthChecks: HealthCheck[];
  /** Failed verifications per source address (api/failureThrottle.ts); one is made when absent. */
  throttle?: FailureThrottle;
  /** GitHub secret scanning alerts (POST /v1/leaks/github); absent where this process is not an API. */
  githubLeaks?: GithubLeakDeps;
  /** The Temporal UI's codec server (api/codecEndpoint.ts); absent unless TEMPORAL_CODEC_ENDPOINT_TOKEN and codec keys are set. */
  codecEndpoint?: CodecEndpointDeps;
  log: Logger;
}

const MAX_VERIFY_KEY_CHARS = 512;

/**
 * `{"key": "<string of at most 512 characters>"}`, other fields ignored: checked by hand, not with
 * zod, on the hot path. Characters are code points, as zod's `.max()` counted them.
 */
function verifyBodyKey(json: unknown): string | null {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return null;
  const key = (json as { key?: unknown }).key;
  if (typeof key !== 'string') return null;
  if (key.length <= MAX_VERIFY_KEY_CHARS) return key;
  let codePoints = 0;
  for (const _ of key) if (++codePoints > MAX_VERIFY_KEY_CHARS) return null;
  return key;
}

export type RouteHandler = (req: IncomingMessage, res: ServerResponse) => Promise<boolean>;

/** Returns a handler that answers the API's routes and returns false for anything else. */
export function createApiRoutes(options: ApiDeps): RouteHandler {
  const deps = { ...options, throttle: options.throttle ?? createFailureThrottle() };
  const expectedToken = deps.verifyApiToken ? tokenDigest(deps.verifyApiToken) : null;
  const codec = deps.codecEndpoint ? createCodecEndpoint(deps.codecEndpoint) : null;
  return async (req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    // Liveness: the process answers, whatever its dependencies do. An orchestrator restarts a process
    // that stops answering this; /healthz (readiness) only takes it out of rotation, so a database
    // outage does not restart every replica at once.
    if (path === LIVENESS_PATH) {
      if (req.method !== 'GET' && req.method !== 'HEAD') return sendJson(res, 405, { error: 'method_not_allowed' }), true;
      sendJson(res, 200, { status: 'ok' });
      return true;
    }
    if (path === '/healthz') {
      if (req.method !== 'GET' && req.method !== 'HEAD') return sendJson(res, 405, { error: 'method_not_allowed' }), true;
      await answerHealth({ deps, res });
      return true;
    }
    if (path === OPENAPI_PATH) {
      if (req.method !== 'GET' && req.method !== 'HEAD') return sendJson(res, 405, { error: 'method_not_allowed' }), true;
      res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(openApiJson) }).end(openApiJson);
      return true;
    }
    if (path === '/v1/keys/verify') {
      if (req.method !== 'POST') return sendJson(res, 405, { error: 'method_not_allowed' }), true;
      await answerVerify({ deps, req, res, expectedToken });
      return true;
    }
    if (path === GATEWAY_AUTHORIZE_PATH) {
      await answerAuthorize({ deps, req, res, expectedToken });
      return true;
    }
    const chart = CHART_PATH_RE.exec(path ?? '');
    if (chart && deps.chart) {
      if (req.method !== 'GET') return sendJson(res, 405, { error: 'method_not_allowed' }), true;
      await answerChart({ chart: deps.chart, keyId: chart[1] as string, req, res });
      return true;
    }
    if (path === '/v1/leaks/github' && deps.githubLeaks) {
      if (req.method !== 'POST') return sendJson(res, 405, { error: 'method_not_allowed' }), true;
      await answerGithubAlert({ deps: deps.githubLeaks, req, res });
      return true;
    }
    if (codec && (CODEC_PATHS as readonly string[]).includes(path ?? '')) {
      await codec(req, res, path as string);
      return true;
    }
    if (path === '/v1/usage') {
      if (req.method !== 'POST') return sendJson(res, 405, { error: 'method_not_allowed' }), true;
      await answerUsage({ deps, req, res, expectedToken });
      return true;
    }
    return false;
  };
}

async function answerChart(options: { chart: NonNullable<ApiDeps['chart']>; keyId: string; req: IncomingMessage; res: ServerResponse }): Promise<void> {
  const { chart, keyId, res } = options;
  const query = new URL(options.req.url ?? '/', 'http://localhost').searchParams;
  const now = chart.clock();
  // One answer for a bad, expired or foreign signature: the URL is the only credential.
  if (!checkChartUrl({ keyId, exp: query.get('exp'), sig: query.get('sig'), now, secret: chart.secret })) {
    return sendJson(res, 403, { error: 'forbidden', message: 'this chart link is invalid or has expired; ask /apikey usage again' });
  }
  const rendered = await renderUsageChart({ db: chart.db, renderer: chart.renderer, policy: chart.policy, keyId, now });
  if (!rendered) return sendJson(res, 404, { error: 'not_found', message: 'no such key' });
  res.writeHead(200, { 'content-type': 'image/png', 'content-length': rendered.png.length, 'cache-control': 'private, max-age=300' });
  res.end(rendered.png);
}

type Routed = { deps: ApiDeps & { throttle: FailureThrottle }; req: IncomingMessage; res: ServerResponse; expectedToken: Buffer | null };

async function answerUsage(options: Routed): Promise<void> {
  const { req, res } = options;
  const ingest = options.deps.ingest;
  if (!ingest || !tokenMatches(bearerToken(req.headers.authorization), options.expectedToken)) {
    req.resume();
    if (refuseFlood({ deps: options.deps, source: peerAddress(req), res })) return;
    res.setHeader('www-authenticate', 'Bearer');
    return sendJson(res, 401, { error: 'unauthorized', message: 'send Authorization: Bearer <VERIFY_API_TOKEN>' });
  }
  const body = await readBody(req, MAX_USAGE_BODY_BYTES);
  if (body === null) return sendJson(res, 413, { error: 'payload_too_large', message: `bodies are limited to ${MAX_USAGE_BODY_BYTES} bytes` });
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return sendJson(res, 400, { error: 'bad_json', message: 'the body must be JSON: {"entries": [...]}' });
  }
  const parsed = usageBatchSchema.safeParse(json);
  if (!parsed.success) {
    return sendJson(res, 400, { error: 'bad_request', message: `the body must be {"entries": [{"keyId" or "key", "status", "latencyMs", "at"}, ...]} with 1 to ${MAX_USAGE_ENTRIES} entries` });
  }
  sendJson(res, 200, await ingestUsage(ingest, parsed.data.entries));
}

/** The usual verification names no caller: one options object for all of them, not one per request. */
const UNNAMED_VERIFY_CALLER = { source: { via: 'verify', caller: null } } as const;

function firstHeader(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

async function answerHealth(options: { deps: ApiDeps; res: ServerResponse }): Promise<void> {
  const results = await Promise.all(
    options.deps.healthChecks.map(async (c) => {
      try {
        await c.check();
        return [c.name, 'ok'] as const;
      } catch (error) {
        options.deps.log.warn('health check failed', { check: c.name, error: (error as Error).message });
        return [c.name, c.critical === false ? (c.failedAs ?? 'degraded') : 'unavailable', c.critical !== false] as const;
      }
    }),
  );
  const healthy = results.every(([, state, critical]) => state === 'ok' || !critical);
  sendJson(options.res, healthy ? 200 : 503, { status: healthy ? 'ok' : 'unavailable', checks: Object.fromEntries(results.map(([name, state]) => [name, state])) });
}

async function answerVerify(options: Routed): Promise<void> {
  const { req, res } = options;
  const verify = options.deps.verify;
  const source = peerAddress(req);
  if (!verify || !tokenMatchesOn(req.socket, bearerToken(req.headers.authorization), options.expectedToken)) {
    req.resume();
    if (refuseFlood({ deps: options.deps, source, res })) return;
    res.setHeader('www-authenticate', 'Bearer');
    return sendJson(res, 401, { error: 'unauthorized', message: 'send Authorization: Bearer <VERIFY_API_TOKEN>' });
  }
  const body = await readBody(req, MAX_BODY_BYTES);
  if (body === null) return sendJson(res, 413, { error: 'payload_too_large', message: `bodies are limited to ${MAX_BODY_BYTES} bytes` });
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return sendJson(res, 400, { error: 'bad_json', message: 'the body must be JSON: {"key": "..."}' });
  }
  const key = verifyBodyKey(json);
  if (key === null) return sendJson(res, 400, { error: 'bad_request', message: 'the body must be {"key": "<api key>"}' });
  let result: Awaited<ReturnType<typeof verifyKey>>;
  try {
    const caller = req.headers[GatewayHeaders.caller];
    result = await verifyKey(verify, key, caller === undefined ? UNNAMED_VERIFY_CALLER : { source: { via: 'verify', caller: callerName(firstHeader(caller)) } });
  } catch (error) {
    // The store did not answer (restarting, unreachable): keyops cannot know whether the key is
    // valid, revoked or unknown. 503 tells a gateway to fail over or retry, where a 500 reads as a
    // bug and NOT_FOUND would turn a database restart into rejected customers.
    options.deps.log.warn('verification could not reach the key store', { error: (error as Error).message });
    res.setHeader('retry-after', '1');
    return sendJson(res, 503, { error: 'unavailable', message: 'keyops cannot reach its key store right now; retry shortly' });
  }
  if ((result.code === 'NOT_FOUND' || result.code === 'MALFORMED') && refuseFlood({ deps: options.deps, source, res })) return;
  sendJson(res, 200, result);
}
