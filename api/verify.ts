/**
 * Key verification, the hot path. Expected negatives are values, never exceptions: only an
 * infrastructure failure throws. The shape and checksum are checked before any lookup, so junk
 * costs no database round trip; lookups go through the in-process cache (api/verifyCache.ts)
 * while it is live, and to the database otherwise.
 */
import { parseKey } from '../domain/keyFormat';
import { fallbackKeyHashes, hashKey } from '../domain/keyHash';
import { findEnvironmentByTag, rateLimitFor, type Policy, type RateLimit } from '../domain/policy';
import type { RateDecision } from '../domain/rateLimit';
import type { QuotaNotices } from './quotaNotices';
import type { RateLimiter } from './rateLimiter';
import type { CallSource, UsageRecorder } from './usage';
import { verifyCacheLookups, verifyOutcomes } from '../runtime/metrics';
import type { CachedLookup, KeyRecord, VerifyCache } from './verifyCache';

export type VerifyCode = 'VALID' | 'NOT_FOUND' | 'MALFORMED' | 'REVOKED' | 'EXPIRED' | 'PENDING' | 'RATE_LIMITED';
/** Only where the caller names the scopes it requires (gateway forward-auth): a valid key without one of them. */
export type AuthorizeCode = VerifyCode | 'MISSING_SCOPE';

interface Limits {
  /**
   * Present for a valid or rate-limited key whose environment has limits: the per-second bucket
   * (limit = burst) and the monthly quota, each with what remains and when it resets. Gateways
   * pass them on as RateLimit headers.
   */
  rateLimit?: { limit: number; remaining: number; reset: string };
  quota?: { limit: number; remaining: number; reset: string };
}

export interface ValidKey extends Limits {
  valid: true;
  code: 'VALID';
  keyId: string;
  owner: string;
  environment: string;
  scopes: string[];
  expiresAt: string;
}

/**
 * A refusal says what was wrong and, when a key was found, which one: never its owner, scopes or
 * expiry, which would tell whoever holds a revoked or guessed key more than they need. A
 * rate-limited key also carries its limits: its caller needs them to know when to come back.
 */
export interface RefusedKey<C extends AuthorizeCode = VerifyCode> extends Limits {
  valid: false;
  code: Exclude<C, 'VALID'>;
  keyId: string | null;
}

export type VerifyResult = ValidKey | RefusedKey;
export type AuthorizeResult = ValidKey | RefusedKey<AuthorizeCode>;

export interface VerifyDeps {
  /** The database lookup by key hash (api/keyLookup.ts). */
  findKey(hash: string): Promise<KeyRecord | null>;
  /** Many hashes in one query (api/keyLookup.ts); without it, `lookupKeys` asks `findKey` for each. */
  findKeys?(hashes: readonly string[]): Promise<Map<string, KeyRecord>>;
  policy: Policy;
  keyHashSecret: string;
  /** KEY_HASH_SECRET_PREVIOUS: keys hashed under these still verify (a rotation in progress). */
  previousKeyHashSecrets?: readonly string[];
  clock: () => Date;
  /** Lookups by hash; without one, every verification reads the database. */
  cache?: VerifyCache;
  /** Told about every verification that found a key (last use, per-minute counts). */
  usage?: Pick<UsageRecorder, 'record'>;
  /** Per-key limits from the policy; without one, keys are unlimited. */
  limiter?: RateLimiter;
  /** Told how much of its monthly quota a key used, to warn its owner. */
  quotaNotices?: Pick<QuotaNotices, 'observe'>;
}

/** `source`: who asked (the route and the caller's name), for the key's first call. */
export function verifyKey(deps: VerifyDeps, candidate: string, options?: { source?: CallSource }): Promise<VerifyResult>;
export function verifyKey(deps: VerifyDeps, candidate: string, options: { requiredScopes: readonly string[]; source?: CallSource }): Promise<AuthorizeResult>;
/**
 * A cache hit under an in-process limiter (the common case) awaits nothing: the lookups and the
 * limiter are asked synchronously when they can answer at once, and only a miss (the database)
 * or a Redis limiter costs a turn of the event loop. Every await is a promise and, with the
 * request context's AsyncLocalStorage on, a promise hook: the hit path had six.
 */
export async function verifyKey(deps: VerifyDeps, candidate: string, options?: { requiredScopes?: readonly string[]; source?: CallSource }): Promise<AuthorizeResult> {
  const parsed = parseKey(candidate);
  if (!parsed.ok) return counted({ valid: false, code: 'MALFORMED', keyId: null });
  // Another deployment's prefix or an unknown environment tag cannot be ours: no lookup needed.
  if (parsed.key.prefix !== deps.policy.keyPrefix || !findEnvironmentByTag(deps.policy, parsed.key.envTag)) {
    return counted({ valid: false, code: 'NOT_FOUND', keyId: null });
  }
  const hash = hashKey({ key: candidate, secret: deps.keyHashSecret });
  const cached = cachedLookup(deps, hash);
  const key = cached?.record ?? (await lookupUncached(deps, candidate, hash, cached));
  if (!key) return counted({ valid: false, code: 'NOT_FOUND', keyId: null });
  const now = deps.clock();
  let code: AuthorizeCode = codeFor(key, now);
  if (code === 'VALID' && options?.requiredScopes && !hasScopes(key.scopes, options.requiredScopes)) code = 'MISSING_SCOPE';
  const limits = code === 'VALID' && deps.limiter ? rateLimitFor(deps.policy, key.environment) : null;
  // Only a key that would be valid spends its limits: a revoked key's callers are refused anyway.
  const take = { keyId: key.id, limits: limits as RateLimit, now };
  const decision = limits && deps.limiter ? (deps.limiter.takeNow?.(take) ?? (await deps.limiter.take(take))) : null;
  if (decision && !decision.allowed) code = 'RATE_LIMITED';
  deps.usage?.record({ keyId: key.id, at: now, valid: code === 'VALID', code, source: options?.source });
  if (decision?.allowed) deps.quotaNotices?.observe({ keyId: key.id, ownerId: key.ownerId, used: decision.quota.used, quota: decision.quota.limit, now });
  if (code !== 'VALID') {
    return counted(code === 'RATE_LIMITED' && decision ? { valid: false, code, keyId: key.id, ...limitFields(decision) } : { valid: false, code, keyId: key.id });
  }
  const valid: ValidKey = { valid: true, code, keyId: key.id, owner: key.ownerId, environment: key.environment, scopes: key.scopes, expiresAt: key.expiresAt.toISOString() };
  return counted(decision ? { ...valid, ...limitFields(decision) } : valid);
}

function counted<R extends AuthorizeResult>(result: R): R {
  verifyOutcomes.tally(result.code);
  return result;
}

function hasScopes(scopes: readonly string[], required: readonly string[]): boolean {
  for (const scope of required) if (!scopes.includes(scope)) return false;
  return true;
}

function limitFields(decision: RateDecision): Limits {
  const quota = { limit: decision.quota.limit, remaining: decision.quota.remaining, reset: decision.quota.reset.toISOString() };
  const rate = { limit: decision.rate.limit, remaining: decision.rate.remaining, reset: decision.rate.reset.toISOString() };
  // A refusal by the quota names the quota as the limit: that is what the caller waits for.
  return { rateLimit: decision.refusedBy === 'quota' ? quota : rate, quota };
}

/** Expiry is judged now, not when the lookup was cached: a cached key still expires on time. */
function codeFor(key: KeyRecord, now: Date): 'VALID' | 'REVOKED' | 'PENDING' | 'EXPIRED' {
  if (key.status === 'REVOKED') return 'REVOKED';
  if (key.status === 'PENDING_REVEAL') return 'PENDING';
  if (key.status === 'EXPIRED' || key.expiresAt.getTime() <= now.getTime()) return 'EXPIRED';
  return 'VALID';
}

/**
 * A key by its value, whichever configured secret and hash form it was stored under: the current
 * form first (a live key costs one lookup, usually a cache hit), the others together only on a
 * miss (lookups in one turn share one query).
 */
export async function lookupByPlaintext(deps: VerifyDeps, plaintext: string): Promise<KeyRecord | null> {
  const hash = hashKey({ key: plaintext, secret: deps.keyHashSecret });
  const cached = cachedLookup(deps, hash);
  return cached?.record ?? lookupUncached(deps, plaintext, hash, cached);
}

/** The cache's answer for a hash, counted as a hit, a miss or "off"; undefined when it has none. */
function cachedLookup(deps: VerifyDeps, hash: string): CachedLookup | undefined {
  const cached = deps.cache?.get(hash);
  countCacheLookup(deps.cache, cached);
  return cached;
}

/**
 * lookupByPlaintext past the cache: the current form from the database unless the cache already
 * said it is not there, then the other forms.
 */
async function lookupUncached(deps: VerifyDeps, plaintext: string, hash: string, cached: CachedLookup | undefined): Promise<KeyRecord | null> {
  const found = cached ? null : await fromDatabase(deps, hash);
  if (found) return found;
  const others = fallbackKeyHashes({ key: plaintext, secret: deps.keyHashSecret, previous: deps.previousKeyHashSecrets ?? [] });
  return (await Promise.all(others.map((h) => lookupKey(deps, h)))).find((record) => record !== null) ?? null;
}

export async function lookupKey(deps: VerifyDeps, hash: string): Promise<KeyRecord | null> {
  const cached = cachedLookup(deps, hash);
  return cached ? cached.record : fromDatabase(deps, hash);
}

async function fromDatabase(deps: VerifyDeps, hash: string): Promise<KeyRecord | null> {
  const token = deps.cache?.begin() ?? 0;
  const record = await deps.findKey(hash);
  deps.cache?.store(hash, record, token);
  return record;
}

/** Lookups for a batch (POST /v1/usage): cache hits first, then every miss in one query. */
export async function lookupKeys(deps: VerifyDeps, hashes: readonly string[]): Promise<Map<string, KeyRecord | null>> {
  const found = new Map<string, KeyRecord | null>();
  const misses: string[] = [];
  for (const hash of new Set(hashes)) {
    const cached = deps.cache?.get(hash);
    countCacheLookup(deps.cache, cached);
    if (cached) found.set(hash, cached.record);
    else misses.push(hash);
  }
  if (misses.length === 0) return found;
  const token = deps.cache?.begin() ?? 0;
  const records = deps.findKeys ? await deps.findKeys(misses) : new Map(await Promise.all(misses.map(async (h) => [h, await deps.findKey(h)] as const)));
  for (const hash of misses) {
    const record = records.get(hash) ?? null;
    deps.cache?.store(hash, record, token);
    found.set(hash, record);
  }
  return found;
}

function countCacheLookup(cache: VerifyCache | undefined, cached: CachedLookup | undefined): void {
  verifyCacheLookups.tally(!cache?.live ? 'off' : cached ? 'hit' : 'miss');
}
