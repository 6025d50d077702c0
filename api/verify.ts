/**
 * Key verification, the hot path. Expected negatives are values, never exceptions: only an
 * infrastructure failure throws. The shape and checksum are checked before any lookup, so junk
 * costs no database round trip.
 */
import type { Db } from '../db/client';
import { parseKey } from '../domain/keyFormat';
import { hashKey } from '../domain/keyHash';
import { findEnvironmentByTag, type Policy } from '../domain/policy';

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
  db: Db;
  policy: Policy;
  keyHashSecret: string;
  clock: () => Date;
  /** Told about every key that verified, to record its last use without a write per request. */
  onVerified?: (keyId: string, at: Date) => void;
}

export async function verifyKey(deps: VerifyDeps, candidate: string): Promise<VerifyResult> {
  const parsed = parseKey(candidate);
  if (!parsed.ok) return { valid: false, code: 'MALFORMED', ...NONE };
  // Another deployment's prefix or an unknown environment tag cannot be ours: no lookup needed.
  if (parsed.key.prefix !== deps.policy.keyPrefix || !findEnvironmentByTag(deps.policy, parsed.key.envTag)) {
    return { valid: false, code: 'NOT_FOUND', ...NONE };
  }
  const key = await deps.db.apiKey.findUnique({
    where: { keyHash: hashKey({ key: candidate, secret: deps.keyHashSecret }) },
    select: { id: true, ownerId: true, environment: true, scopes: true, status: true, expiresAt: true },
  });
  if (!key) return { valid: false, code: 'NOT_FOUND', ...NONE };
  const now = deps.clock();
  const details = { keyId: key.id, owner: key.ownerId, environment: key.environment, scopes: key.scopes, expiresAt: key.expiresAt.toISOString() };
  if (key.status === 'REVOKED') return { valid: false, code: 'REVOKED', ...details };
  if (key.status === 'PENDING_REVEAL') return { valid: false, code: 'PENDING', ...details };
  if (key.status === 'EXPIRED' || key.expiresAt.getTime() <= now.getTime()) return { valid: false, code: 'EXPIRED', ...details };
  deps.onVerified?.(key.id, now);
  return { valid: true, code: 'VALID', ...details };
}
