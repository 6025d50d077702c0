/**
 * Environment variables, parsed once at start-up. A bad value stops start-up with one line per
 * variable at fault; secrets never appear in that message.
 */
import { z } from 'zod';
import { parseDuration } from '../domain/duration';

const optionalText = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === '' ? undefined : v.trim()));

/** Seconds as a plain number ("120") or a duration ("2m"); kept under Slack's response_url life. */
const displaySeconds = z
  .string()
  .optional()
  .transform((text, ctx) => {
    if (text === undefined || text.trim() === '') return 120;
    const seconds = /^\d+$/.test(text.trim()) ? Number(text) : parseDuration(text);
    if (seconds === null || seconds < 5 || seconds > 1500) {
      ctx.addIssue({ code: 'custom', message: 'must be between 5 and 1500 seconds (e.g. 120 or 2m): the reveal must expire well within the 30 minutes a Slack response_url lives' });
      return z.NEVER;
    }
    return seconds;
  });

/** Blank counts as unset, like every other variable (z.coerce alone would turn "" into port 0). */
const port = (min: number, fallback: number) => optionalText.pipe(z.coerce.number<string | undefined>().int().min(min).max(65535).default(fallback));

/** A positive whole number; blank counts as unset. */
const count = (fallback: number) => optionalText.pipe(z.coerce.number<string | undefined>().int().min(1).max(10_000).default(fallback));

const postgresUrl = optionalText.refine((v) => v === undefined || /^postgres(ql)?:\/\//.test(v), 'must be a postgresql:// URL');

const secret = (min: number) => optionalText.refine((v) => v === undefined || v.length >= min, `must be at least ${min} characters`);

export const envSchema = z.object({
  PORT: port(0, 3000),
  /** The address to listen on; unset, every interface, except the playground's 127.0.0.1. */
  HOST: optionalText,
  SLACK_BOT_TOKEN: optionalText.refine((v) => v === undefined || /^xox[bp]-/.test(v), 'must start with xoxb-'),
  SLACK_SIGNING_SECRET: optionalText,
  SLACK_APP_TOKEN: optionalText.refine((v) => v === undefined || v.startsWith('xapp-'), 'must start with xapp-'),
  SLACK_API_URL: optionalText.pipe(z.url().optional()),
  DATABASE_URL: postgresUrl,
  /**
   * Straight to PostgreSQL (or a session-mode pool) when DATABASE_URL goes through a
   * transaction-mode pooler: the verify cache's LISTEN and the migrations' advisory lock need a
   * session of their own. Unset, DATABASE_URL.
   */
  DATABASE_DIRECT_URL: postgresUrl,
  /** Prisma's pool, per process (every role). */
  DATABASE_POOL_SIZE: count(10),
  /** The verify lookups' own pool, per API process. */
  VERIFY_POOL_SIZE: count(10),
  /** Activities (the database, Slack) and workflow tasks one worker process runs at once; the SDK's defaults. */
  WORKER_MAX_CONCURRENT_ACTIVITIES: count(100),
  WORKER_MAX_CONCURRENT_WORKFLOW_TASKS: count(40),
  TEMPORAL_ADDRESS: optionalText,
  TEMPORAL_NAMESPACE: optionalText.transform((v) => v ?? 'default'),
  /** TLS to Temporal; unset, on whenever any TEMPORAL_TLS_* or TEMPORAL_API_KEY is set. */
  TEMPORAL_TLS: optionalText.pipe(z.enum(['true', 'false', '1', '0']).optional()).transform((v) => (v === undefined ? undefined : v === 'true' || v === '1')),
  /** PEM text or a PEM file's path (config/temporalConnection.ts): client certificate and key (mTLS), the server's CA. */
  TEMPORAL_TLS_CERT: optionalText,
  TEMPORAL_TLS_KEY: optionalText,
  TEMPORAL_TLS_CA: optionalText,
  /** The name the server's certificate must carry, when it is not TEMPORAL_ADDRESS's host. */
  TEMPORAL_TLS_SERVER_NAME: optionalText,
  /** Temporal Cloud API key; implies TLS. */
  TEMPORAL_API_KEY: optionalText,
  /**
   * Workflow payload encryption (temporal/payloadCodec.ts): `id:base64,id:base64`, each key 32
   * bytes; the first encrypts, all decrypt. Required by the production roles; unset with npm start,
   * payloads stay plaintext (with a warning).
   */
  TEMPORAL_CODEC_KEYS: optionalText.transform((text, ctx) => {
    if (text === undefined) return [];
    const keys = text.split(/[\s,]+/).filter((p) => p.length > 0).map((part) => {
      const at = part.indexOf(':');
      return { id: part.slice(0, at), key: Buffer.from(part.slice(at + 1), 'base64') };
    });
    const bad = keys.find((k) => !/^[A-Za-z0-9._-]{1,64}$/.test(k.id) || k.key.length !== 32);
    if (bad || new Set(keys.map((k) => k.id)).size !== keys.length) {
      ctx.addIssue({ code: 'custom', message: 'must be id:key pairs, comma-separated, each id unique ([A-Za-z0-9._-]) and each key 32 bytes in base64 (openssl rand -base64 32)' });
      return z.NEVER;
    }
    return keys;
  }),
  /** Bearer token for the codec endpoint (/codec/decode, /codec/encode) on API processes; unset, no endpoint. */
  TEMPORAL_CODEC_ENDPOINT_TOKEN: secret(16),
  /** The Temporal Web UI's origin, allowed to call the codec endpoint from a browser (CORS). */
  TEMPORAL_UI_ORIGIN: optionalText.pipe(z.url().optional()),
  TEMPORAL_CLI_PATH: optionalText,
  VERIFY_API_TOKEN: secret(16),
  KEY_HASH_SECRET: secret(32),
  /** Older KEY_HASH_SECRETs, space- or comma-separated, during a rotation: keys hashed under them still verify. */
  KEY_HASH_SECRET_PREVIOUS: optionalText
    .transform((v) => (v === undefined ? [] : v.split(/[\s,]+/).filter((s) => s.length > 0)))
    .refine((list) => list.every((s) => s.length >= 32), 'every secret must be at least 32 characters'),
  POLICY_FILE: optionalText,
  /** Where the API is reachable from Slack (for the usage chart's signed image URL); unset, no chart. */
  PUBLIC_URL: optionalText.pipe(z.url().optional()),
  /** Per-key rate limits shared by every API process; unset, each process enforces them alone. */
  REDIS_URL: optionalText.refine((v) => v === undefined || /^rediss?:\/\//.test(v), 'must be a redis:// or rediss:// URL'),
  /** GitHub secret scanning's signing keys (POST /v1/leaks/github); unset, GitHub's own URL. */
  GITHUB_SECRET_SCANNING_KEYS_URL: optionalText.pipe(z.url().optional()),
  KEY_DISPLAY_SECONDS: displaySeconds,
  /** Ports of the embedded servers `npm start` runs when DATABASE_URL / TEMPORAL_ADDRESS are unset. */
  EMBEDDED_POSTGRES_PORT: port(1, 54329),
  TEMPORAL_DEV_PORT: port(1, 7233),
  KEYOPS_DATA_DIR: optionalText.transform((v) => v ?? '.keyops'),
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
  /** Unset: pretty lines when stdout is a terminal (a person ran npm start), JSON otherwise. */
  LOG_FORMAT: optionalText.pipe(z.enum(['json', 'pretty']).optional()),
});

export type Env = z.output<typeof envSchema>;

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

export function parseEnv(source: NodeJS.ProcessEnv = process.env): Env {
  const result = envSchema.safeParse(source);
  if (result.success) return result.data;
  const lines = result.error.issues.map((issue) => `  ${issue.path.join('.')}: ${issue.message}`);
  throw new ConfigError(`invalid environment:\n${lines.join('\n')}`);
}

/** Separate production processes have no embedded defaults: these must be set. */
export function requireEnv<K extends keyof Env>(env: Env, names: readonly K[]): { [P in K]-?: NonNullable<Env[P]> } & Env {
  const missing = names.filter((name) => env[name] === undefined);
  if (missing.length > 0) {
    throw new ConfigError(`missing environment variables:\n${missing.map((n) => `  ${String(n)}: required`).join('\n')}`);
  }
  return env as { [P in K]-?: NonNullable<Env[P]> } & Env;
}
