/**
 * The API's routes, as OpenAPI 3.1 path items. Answers refer to the schemas in ./schemas.ts.
 */
const json = (schema: object, example?: unknown) => ({ 'application/json': { schema, ...(example === undefined ? {} : { example }) } });
const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const error = (description: string, example: { error: string; message?: string; code?: string }) => ({ description, content: json(ref('Error'), example) });
const retryAfter = { 'Retry-After': { description: 'Seconds to wait before trying again.', required: true, schema: { type: 'integer', minimum: 1 } } };

const unauthorized = error('No or a wrong bearer token (`VERIFY_API_TOKEN`).', { error: 'unauthorized', message: 'send Authorization: Bearer <VERIFY_API_TOKEN>' });
const tooManyFailures = {
  description: 'This address sent too many failed requests (a wrong token, unknown or malformed keys); valid keys are still answered.',
  headers: retryAfter,
  content: json(ref('Error'), { error: 'too_many_failures', message: 'too many failed verifications from this address; retry in 4 s (valid keys are still answered)' }),
};
const rateLimitHeaders = {
  'RateLimit-Limit': { description: "The key's bucket size (burst).", schema: { type: 'integer' } },
  'RateLimit-Remaining': { description: 'Requests left in the bucket.', schema: { type: 'integer' } },
  'RateLimit-Reset': { description: 'Seconds until the bucket is full again.', schema: { type: 'integer' } },
};
const identityHeaders = {
  'X-Keyops-Key-Id': { required: true, schema: { type: 'string' } },
  'X-Keyops-Owner': { required: true, description: "The owner's Slack user id.", schema: { type: 'string' } },
  'X-Keyops-Environment': { required: true, schema: { type: 'string' } },
  'X-Keyops-Scopes': { required: true, description: 'Comma-separated.', schema: { type: 'string' } },
};
const header = (name: string, description: string, schema: object = { type: 'string' }) => ({ name, in: 'header', required: false, description, schema });
const callerHeader = header(
  'X-Keyops-Caller',
  "The gateway's or service's own name (e.g. `billing-api`): a key's owner reads it in Slack when the key makes its first call. Up to 64 letters, digits and `._:/@-`; anything else is ignored.",
  { type: 'string', maxLength: 64, pattern: '^[A-Za-z0-9][A-Za-z0-9._:/@-]{0,63}$' },
);

export const paths = {
  '/v1/keys/verify': {
    post: {
      operationId: 'verifyKey',
      summary: 'Verify an API key',
      description: 'Expected refusals are answers (200 with `valid: false`), not errors. Counts a request for the key.',
      security: [{ verifyToken: [] }],
      parameters: [callerHeader],
      requestBody: { required: true, content: json(ref('VerifyRequest'), { key: 'ko_live_3xD8vQ2mN7pL4kR9tW1zY6bH5cJ0fG_2Ab9Xc' }) },
      responses: {
        '200': {
          description: "The key's verdict.",
          content: {
            'application/json': {
              schema: ref('VerifyAnswer'),
              examples: {
                valid: { value: { valid: true, code: 'VALID', keyId: 'key_8fK2mQ9xLp3Vt7Rb', owner: 'U0123ABCD', environment: 'production', scopes: ['read'], expiresAt: '2027-03-01T00:00:00.000Z' } },
                revoked: { value: { valid: false, code: 'REVOKED', keyId: 'key_8fK2mQ9xLp3Vt7Rb' } },
                unknown: { value: { valid: false, code: 'NOT_FOUND', keyId: null } },
              },
            },
          },
        },
        '400': error('The body is not JSON of the form {"key": "..."}.', { error: 'bad_request', message: 'the body must be {"key": "<api key>"}' }),
        '401': unauthorized,
        '405': error('Only POST.', { error: 'method_not_allowed' }),
        '413': error('The body is over 8 KB.', { error: 'payload_too_large', message: 'bodies are limited to 8192 bytes' }),
        '429': tooManyFailures,
      },
    },
  },
  '/v1/gateway/authorize': {
    get: {
      operationId: 'authorizeRequest',
      summary: 'Forward-auth for gateways (nginx auth_request, Caddy forward_auth, Traefik ForwardAuth, Envoy ext_authz)',
      description: "Answers any method alike (gateways send the caller's, or GET) and never reads a body. Counts a request for the key, like verify.",
      security: [{ gatewayToken: [] }],
      parameters: [
        header('Authorization', "The caller's key as `Bearer <key>`."),
        header('X-API-Key', "The caller's key, when it is not in Authorization."),
        header('X-Keyops-Required-Scopes', 'Comma-separated scopes the key must all have.'),
        header('X-Forwarded-For', 'The caller, as the gateway saw it (its last entry): failures are throttled per caller.'),
        callerHeader,
      ],
      responses: {
        '200': { description: 'Let the request through, with these headers for the upstream and the caller.', headers: { ...identityHeaders, ...rateLimitHeaders } },
        '400': error('X-Keyops-Required-Scopes is not a list of scope names.', { error: 'bad_request' }),
        '401': error('No key, a malformed or unknown key, or a wrong gateway token.', { error: 'unauthorized', code: 'NOT_FOUND', message: 'the API key is not valid' }),
        '403': error('A revoked, expired or unrevealed key, or one without a required scope.', { error: 'forbidden', code: 'REVOKED', message: 'the API key was revoked' }),
        '429': {
          description: 'The key is over its rate limit or monthly quota (`error: rate_limited`), or the caller sent too many bad keys (`error: too_many_failures`).',
          headers: { ...retryAfter, ...rateLimitHeaders },
          content: json(ref('Error'), { error: 'rate_limited', code: 'RATE_LIMITED', message: 'the API key is over its limit; retry in 1 s' }),
        },
      },
    },
  },
  '/v1/usage': {
    post: {
      operationId: 'reportUsage',
      summary: 'Report how requests made with keys were answered',
      description: 'Each entry is judged on its own: good ones are kept, bad ones come back with their index and why.',
      security: [{ verifyToken: [] }],
      requestBody: { required: true, content: json(ref('UsageBatch'), { entries: [{ keyId: 'key_8fK2mQ9xLp3Vt7Rb', status: 503, latencyMs: 87, at: '2026-11-29T10:31:02Z' }] }) },
      responses: {
        '200': { description: 'What was kept and what was not.', content: json(ref('UsageResult'), { accepted: 1, rejected: [{ index: 1, reason: 'at: in the future' }] }) },
        '400': error('Not a batch of 1 to 1,000 entries.', { error: 'bad_request' }),
        '401': unauthorized,
        '405': error('Only POST.', { error: 'method_not_allowed' }),
        '413': error('The body is over 640 KB.', { error: 'payload_too_large' }),
        '429': tooManyFailures,
      },
    },
  },
  '/v1/usage/chart/{keyId}.png': {
    get: {
      operationId: 'usageChart',
      summary: "A key's usage chart (30 days by UTC day, 12 UTC calendar months against the monthly quota), at the signed link /apikey usage shows",
      security: [],
      parameters: [
        { name: 'keyId', in: 'path', required: true, schema: { type: 'string', pattern: '^key_[0-9A-Za-z]{16}$' } },
        { name: 'exp', in: 'query', required: true, description: 'Expiry of the link (seconds since the epoch).', schema: { type: 'string' } },
        { name: 'sig', in: 'query', required: true, description: "The link's signature.", schema: { type: 'string' } },
      ],
      responses: {
        '200': { description: 'The chart.', content: { 'image/png': { schema: { type: 'string', contentMediaType: 'image/png' } } } },
        '403': error('A bad, foreign or expired link.', { error: 'forbidden', message: 'this chart link is invalid or has expired; ask /apikey usage again' }),
        '404': error('A well-signed link to a key that no longer exists.', { error: 'not_found', message: 'no such key' }),
        '405': error('Only GET.', { error: 'method_not_allowed' }),
      },
    },
  },
  '/v1/leaks/github': {
    post: {
      operationId: 'githubSecretScanningAlert',
      summary: "GitHub secret scanning's partner alerts: keys published on GitHub",
      description:
        'GitHub posts the strings matching keyops\'s pattern; keyops answers whether each is one of its keys and acts on the live ones as the policy says (`leaks.onPublicLeak`: revoke, or report to on-call), telling their owners where they were published. Only requests signed by a GitHub secret scanning key (GITHUB_SECRET_SCANNING_KEYS_URL) are read; a retried alert changes nothing twice.',
      security: [],
      parameters: [
        { name: 'GITHUB-PUBLIC-KEY-IDENTIFIER', in: 'header', required: true, description: 'Which of GitHub\'s signing keys signed the body.', schema: { type: 'string', maxLength: 200 } },
        { name: 'GITHUB-PUBLIC-KEY-SIGNATURE', in: 'header', required: true, description: 'ECDSA P-256 over SHA-256 of the raw body, base64 DER.', schema: { type: 'string', maxLength: 200 } },
      ],
      requestBody: {
        required: true,
        content: json(ref('GithubAlert'), [{ token: 'ko_live_3xD8vQ2mN7pL4kR9tW1zY6bH5cJ0fG_2Ab9Xc', type: 'keyops_api_key', url: 'https://github.com/acme/app/blob/abc123/.env#L3', source: 'content' }]),
      },
      responses: {
        '200': {
          description: 'GitHub\'s feedback, one entry per token.',
          content: json(ref('GithubFeedback'), [
            { token_raw: 'ko_live_3xD8vQ2mN7pL4kR9tW1zY6bH5cJ0fG_2Ab9Xc', token_type: 'keyops_api_key', label: 'true_positive' },
            { token_raw: 'ko_live_lookalike', token_type: 'keyops_api_key', label: 'false_positive' },
          ]),
        },
        '400': error('Signed, but not a JSON array of 1 to 1,000 {token, type, url, source}.', { error: 'bad_request', message: 'expected a JSON array of {token, type, url, source}' }),
        '401': error('Not signed by a GitHub secret scanning key: a missing, unknown or wrong signature, or one over another body.', { error: 'unauthorized', message: 'not signed by a GitHub secret scanning key' }),
        '405': error('Only POST.', { error: 'method_not_allowed' }),
        '413': error('The body is over 1 MB.', { error: 'payload_too_large' }),
      },
    },
  },
  '/healthz': {
    get: {
      operationId: 'health',
      summary: 'Whether this process can serve',
      security: [],
      responses: {
        '200': { description: 'Serving (a `degraded` check only slows it down; on an API process `temporal: unavailable` too, since verify needs no Temporal).', content: json(ref('Health'), { status: 'ok', checks: { database: 'ok', temporal: 'ok', verifyCache: 'ok' } }) },
        '405': error('Only GET and HEAD.', { error: 'method_not_allowed' }),
        '503': { description: 'A dependency does not answer.', content: json(ref('Health'), { status: 'unavailable', checks: { database: 'ok', temporal: 'unavailable' } }) },
      },
    },
  },
  '/livez': {
    get: {
      operationId: 'liveness',
      summary: 'Whether this process answers at all (no dependency is checked)',
      security: [],
      responses: {
        '200': { description: 'The process answers.', content: json({ type: 'object', required: ['status'], properties: { status: { const: 'ok' } } }, { status: 'ok' }) },
        '405': error('Only GET and HEAD.', { error: 'method_not_allowed' }),
      },
    },
  },
  '/openapi.json': {
    get: {
      operationId: 'openapi',
      summary: 'This document',
      security: [],
      responses: { '200': { description: 'OpenAPI 3.1.', content: { 'application/json': { schema: { type: 'object' } } } } },
    },
  },
} as const;
