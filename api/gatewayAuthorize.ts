/**
 * GET /v1/gateway/authorize: forward-auth for gateways (nginx `auth_request`, Caddy
 * `forward_auth`, Traefik ForwardAuth, Envoy `ext_authz` over HTTP). The gateway sends the
 * caller's request headers; keyops answers with a status the gateway acts on and identity headers
 * it passes upstream. The decision is verifyKey's, so the cache, revocation propagation, limits
 * and usage counting are verify's own; only the translation to HTTP lives here.
 *
 * Gateways send their subrequest with the caller's method (nginx, Envoy) or GET (Caddy): every
 * method is answered alike, and a body is never read.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { callerName } from '../domain/firstCall';
import { refuseFlood, type FailureThrottle } from './failureThrottle';
import { bearerToken, peerAddress, sendJson, tokenMatchesOn } from './http';
import { verifyKey, type AuthorizeResult, type VerifyDeps } from './verify';

export const GATEWAY_AUTHORIZE_PATH = '/v1/gateway/authorize';

export const GatewayHeaders = {
  token: 'x-keyops-gateway-token',
  apiKey: 'x-api-key',
  requiredScopes: 'x-keyops-required-scopes',
  caller: 'x-keyops-caller',
  keyId: 'X-Keyops-Key-Id',
  owner: 'X-Keyops-Owner',
  environment: 'X-Keyops-Environment',
  scopes: 'X-Keyops-Scopes',
} as const;

const MAX_REQUIRED_SCOPES = 32;
/** A gateway that does not name itself (X-Keyops-Caller). */
const UNNAMED_GATEWAY = { via: 'gateway', caller: null } as const;
const SCOPE_RE = /^[A-Za-z0-9:._-]{1,64}$/;

const REFUSALS: Record<Exclude<AuthorizeResult['code'], 'VALID' | 'RATE_LIMITED'>, { status: 401 | 403; message: string }> = {
  MALFORMED: { status: 401, message: 'the API key is malformed' },
  NOT_FOUND: { status: 401, message: 'the API key is not valid' },
  REVOKED: { status: 403, message: 'the API key was revoked' },
  EXPIRED: { status: 403, message: 'the API key has expired' },
  PENDING: { status: 403, message: 'the API key has not been revealed to its owner yet' },
  MISSING_SCOPE: { status: 403, message: 'the API key lacks a scope this route requires' },
};

export async function answerAuthorize(options: {
  deps: { verify?: VerifyDeps; throttle: FailureThrottle };
  req: IncomingMessage;
  res: ServerResponse;
  expectedToken: Buffer | null;
}): Promise<void> {
  const { deps, req, res } = options;
  req.resume();
  const verify = deps.verify;
  if (!verify || !tokenMatchesOn(req.socket, header(req, GatewayHeaders.token), options.expectedToken)) {
    if (refuseFlood({ deps, source: peerAddress(req), res })) return;
    return sendJson(res, 401, { error: 'unauthorized', message: 'the gateway must send X-Keyops-Gateway-Token: <VERIFY_API_TOKEN>' });
  }
  // Behind a gateway every caller shares the gateway's address; the gateway (which proved itself
  // with its token) says who the caller is.
  const source = forwardedFor(req) ?? peerAddress(req);
  const key = bearerToken(header(req, 'authorization')) ?? header(req, GatewayHeaders.apiKey);
  if (!key) {
    if (refuseFlood({ deps, source, res })) return;
    res.setHeader('www-authenticate', 'Bearer');
    return sendJson(res, 401, { error: 'unauthorized', code: 'MISSING_KEY', message: 'send the API key as Authorization: Bearer <key> or X-API-Key: <key>' });
  }
  const requiredScopes = parseScopes(header(req, GatewayHeaders.requiredScopes));
  if (!requiredScopes) return sendJson(res, 400, { error: 'bad_request', message: `X-Keyops-Required-Scopes: up to ${MAX_REQUIRED_SCOPES} scope names, comma-separated` });
  const caller = header(req, GatewayHeaders.caller);
  const result = await verifyKey(verify, key, { requiredScopes, source: caller === undefined ? UNNAMED_GATEWAY : { via: 'gateway', caller: callerName(caller) } });
  setLimitHeaders(res, result, verify.clock().getTime());
  if (result.valid) {
    res.setHeader(GatewayHeaders.keyId, result.keyId);
    res.setHeader(GatewayHeaders.owner, result.owner);
    res.setHeader(GatewayHeaders.environment, result.environment);
    res.setHeader(GatewayHeaders.scopes, result.scopes.join(','));
    res.writeHead(200, { 'content-length': 0 });
    return void res.end();
  }
  if (result.code === 'RATE_LIMITED') {
    const retryAfter = secondsUntil(result.rateLimit?.reset, verify.clock().getTime());
    return sendJson(res, 429, { error: 'rate_limited', code: result.code, message: `the API key is over its limit; retry in ${retryAfter} s` }, { 'retry-after': retryAfter });
  }
  if ((result.code === 'NOT_FOUND' || result.code === 'MALFORMED') && refuseFlood({ deps, source, res })) return;
  const refusal = REFUSALS[result.code];
  if (refusal.status === 401) res.setHeader('www-authenticate', 'Bearer error="invalid_token"');
  sendJson(res, refusal.status, { error: refusal.status === 401 ? 'unauthorized' : 'forbidden', code: result.code, message: refusal.message });
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** The address the gateway itself appended: the last entry of X-Forwarded-For. */
function forwardedFor(req: IncomingMessage): string | undefined {
  const last = header(req, 'x-forwarded-for')?.split(',').pop()?.trim();
  return last ? last : undefined;
}

/** Null when the header is not a list of scope names; an empty list when it is absent. */
function parseScopes(value: string | undefined): string[] | null {
  if (value === undefined || value.trim() === '') return [];
  const scopes = value.split(',').map((s) => s.trim()).filter((s) => s !== '');
  if (scopes.length > MAX_REQUIRED_SCOPES || !scopes.every((s) => SCOPE_RE.test(s))) return null;
  return scopes;
}

/** RateLimit-* as the IETF draft has them: the limit, what remains, and seconds until reset. */
function setLimitHeaders(res: ServerResponse, result: AuthorizeResult, nowMs: number): void {
  if (!result.rateLimit) return;
  res.setHeader('RateLimit-Limit', result.rateLimit.limit);
  res.setHeader('RateLimit-Remaining', result.rateLimit.remaining);
  res.setHeader('RateLimit-Reset', secondsUntil(result.rateLimit.reset, nowMs));
}

function secondsUntil(iso: string | undefined, nowMs: number): number {
  if (!iso) return 1;
  return Math.max(1, Math.ceil((Date.parse(iso) - nowMs) / 1000));
}
