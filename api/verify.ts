/**
 * Key verification, the hot path. Expected negatives are values, never exceptions: only an
 * infrastructure failure throws. The shape and checksum are checked before any lookup, so junk
 * costs no database round trip; lookups go through the in-process cache (api/verifyCache.ts)
 * while it is live, and to the database otherwise.
 */
import { parseKey } from '../domain/keyFormat';
import { hashKey } from '../domain/keyHash';
import { findEnvironmentByTag, type Policy } from '../domain/policy';
import type { UsageRecorder } from './usage';
import type { KeyRecord, VerifyCache } from './verifyCache';

export type VerifyCode = 'VALID' | 'NOT_FOUND' | 'MALFORMED' | 'REVOKED' | 'EXPIRED' | 'PENDING' | 'RATE_LIMITED';

export interface VerifyResult {
  valid: boolean;
  code: VerifyCode;
  keyId: string | null;
  owner: string | null;
  environment: string | null;
  scopes: string[] | null;
  expiresAt: string | null;
}

const NONE = { keyId: null, owner: null, environment: null, scopes: null, expiresAt: null } as const;

export interface VerifyDeps {
  /** The database lookup by key hash (api/keyLookup.ts). */
  findKey(hash: string): Promise<KeyRecord | null>;
  policy: Policy;
  keyHashSecret: string;
  clock: () => Date;
  /** Lookups by hash; without one, every verification reads the database. */
  cache?: VerifyCache;
  /** Told about every verification that found a key (last use, per-minute counts). */
  usage?: Pick<UsageRecorder, 'record'>;
}

export async function verifyKey(deps: VerifyDeps, candidate: string): Promise<VerifyResult> {
  const parsed = parseKey(candidate);
  if (!parsed.ok) return { valid: false, code: 'MALFORMED', ...NONE };
  // Another deployment's prefix or an unknown environment tag cannot be ours: no lookup needed.
  if (parsed.key.prefix !== deps.policy.keyPrefix || !findEnvironmentByTag(deps.policy, parsed.key.envTag)) {
    return { valid: false, code: 'NOT_FOUND', ...NONE };
  }
  const key = await lookupKey(deps, hashKey({ key: candidate, secret: deps.keyHashSecret }));
  if (!key) return { valid: false, code: 'NOT_FOUND', ...NONE };
  const now = deps.clock();
  const code = codeFor(key, now);
  deps.usage?.record({ keyId: key.id, at: now, valid: code === 'VALID' });
  return { valid: code === 'VALID', code, keyId: key.id, owner: key.ownerId, environment: key.environment, scopes: key.scopes, expiresAt: key.expiresAt.toISOString() };
}

/** Expiry is judged now, not when the lookup was cached: a cached key still expires on time. */
function codeFor(key: KeyRecord, now: Date): VerifyCode {
  if (key.status === 'REVOKED') return 'REVOKED';
  if (key.status === 'PENDING_REVEAL') return 'PENDING';
  if (key.status === 'EXPIRED' || key.expiresAt.getTime() <= now.getTime()) return 'EXPIRED';
  return 'VALID';
}

async function lookupKey(deps: VerifyDeps, hash: string): Promise<KeyRecord | null> {
  const cached = deps.cache?.get(hash);
  if (cached) return cached.record;
  const token = deps.cache?.begin() ?? 0;
  const record = await deps.findKey(hash);
  deps.cache?.store(hash, record, token);
  return record;
}
