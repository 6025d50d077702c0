/**
 * The JSON Schemas (2020-12, as OpenAPI 3.1 has them) of the API's bodies and answers. They
 * describe what api/ sends, and test/support/openapiContract.ts checks every answer the API tests
 * receive against them, so a change on either side without the other fails a test.
 */
const limit = {
  type: 'object',
  additionalProperties: false,
  required: ['limit', 'remaining', 'reset'],
  properties: {
    limit: { type: 'integer', minimum: 0, description: 'For `rateLimit`: the bucket size (burst); for `quota`: requests a calendar month (UTC).' },
    remaining: { type: 'integer', minimum: 0 },
    reset: { type: 'string', format: 'date-time', description: 'When the bucket is full again, or when the month ends.' },
  },
} as const;

const KEY_ID = { type: 'string', pattern: '^key_[0-9A-Za-z]{16}$', examples: ['key_8fK2mQ9xLp3Vt7Rb'] } as const;

export const schemas = {
  Error: {
    type: 'object',
    required: ['error'],
    properties: {
      error: { type: 'string', description: 'A stable machine-readable reason.', examples: ['unauthorized'] },
      code: { type: 'string', description: 'On gateway refusals: the verify code, `MISSING_KEY` or `MISSING_SCOPE`.' },
      message: { type: 'string', description: 'What to do about it, for people.' },
    },
  },
  Limit: limit,
  VerifyRequest: {
    type: 'object',
    required: ['key'],
    properties: { key: { type: 'string', maxLength: 512, description: 'The API key to check.', examples: ['ko_live_3xD8vQ2mN7pL4kR9tW1zY6bH5cJ0fG_2Ab9Xc'] } },
  },
  ValidKey: {
    type: 'object',
    additionalProperties: false,
    required: ['valid', 'code', 'keyId', 'owner', 'environment', 'scopes', 'expiresAt'],
    properties: {
      valid: { const: true },
      code: { const: 'VALID' },
      keyId: KEY_ID,
      owner: { type: 'string', description: "The owner's Slack user id.", examples: ['U0123ABCD'] },
      environment: { type: 'string', examples: ['production'] },
      scopes: { type: 'array', items: { type: 'string' }, examples: [['read', 'write']] },
      expiresAt: { type: 'string', format: 'date-time' },
      rateLimit: { $ref: '#/components/schemas/Limit' },
      quota: { $ref: '#/components/schemas/Limit' },
    },
  },
  RefusedKey: {
    type: 'object',
    additionalProperties: false,
    required: ['valid', 'code', 'keyId'],
    description: 'A refusal names the key it found, never its owner, scopes or expiry. A rate-limited key also carries its limits.',
    properties: {
      valid: { const: false },
      code: { enum: ['NOT_FOUND', 'MALFORMED', 'REVOKED', 'EXPIRED', 'PENDING', 'RATE_LIMITED'] },
      keyId: { oneOf: [KEY_ID, { type: 'null' }] },
      rateLimit: { $ref: '#/components/schemas/Limit' },
      quota: { $ref: '#/components/schemas/Limit' },
    },
  },
  VerifyAnswer: { oneOf: [{ $ref: '#/components/schemas/ValidKey' }, { $ref: '#/components/schemas/RefusedKey' }] },
  UsageEntry: {
    type: 'object',
    additionalProperties: false,
    required: ['status', 'latencyMs', 'at'],
    description: 'Exactly one of `keyId` (from verify) or `key` (the full key: looked up by its hash, never stored).',
    properties: {
      keyId: { type: 'string', maxLength: 64 },
      key: { type: 'string', maxLength: 512 },
      status: { type: 'integer', minimum: 100, maximum: 599, description: 'The status the gateway answered with.' },
      latencyMs: { type: 'number', minimum: 0, maximum: 3600000 },
      at: { oneOf: [{ type: 'string', format: 'date-time' }, { type: 'integer', minimum: 1, description: 'Milliseconds since the epoch.' }], description: 'At most a minute ahead, no older than the per-minute retention.' },
    },
  },
  UsageBatch: {
    type: 'object',
    additionalProperties: false,
    required: ['entries'],
    properties: { entries: { type: 'array', minItems: 1, maxItems: 1000, items: { $ref: '#/components/schemas/UsageEntry' } } },
  },
  UsageResult: {
    type: 'object',
    additionalProperties: false,
    required: ['accepted', 'rejected'],
    properties: {
      accepted: { type: 'integer', minimum: 0 },
      rejected: {
        type: 'array',
        items: { type: 'object', additionalProperties: false, required: ['index', 'reason'], properties: { index: { type: 'integer', minimum: 0 }, reason: { type: 'string' } } },
      },
    },
  },
  GithubAlert: {
    type: 'array',
    minItems: 1,
    maxItems: 1000,
    description: "GitHub secret scanning's partner alert: the strings that matched keyops's pattern, where it found them.",
    items: {
      type: 'object',
      required: ['token', 'type', 'url'],
      properties: {
        token: { type: 'string', maxLength: 512, description: 'The string GitHub found.' },
        type: { type: 'string', maxLength: 200, description: 'The pattern name registered with GitHub.' },
        url: { type: 'string', maxLength: 2048, description: 'Where it was published.' },
        source: { type: 'string', maxLength: 100, description: 'Where on GitHub: content, commit, issue, …' },
      },
    },
  },
  GithubFeedback: {
    type: 'array',
    description: 'One entry per alerted token, in order: `true_positive` for a key keyops issued (live or not), `false_positive` for anything else.',
    items: {
      type: 'object',
      additionalProperties: false,
      required: ['token_raw', 'token_type', 'label'],
      properties: {
        token_raw: { type: 'string', description: 'The token as GitHub sent it.' },
        token_type: { type: 'string' },
        label: { enum: ['true_positive', 'false_positive'] },
      },
    },
  },
  Health: {
    type: 'object',
    additionalProperties: false,
    required: ['status', 'checks'],
    properties: {
      status: { enum: ['ok', 'unavailable'] },
      checks: { type: 'object', additionalProperties: { enum: ['ok', 'degraded', 'unavailable'] } },
    },
  },
} as const;
