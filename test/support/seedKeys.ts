/**
 * Keys straight into the store, as if requested and revealed earlier (no Slack, no workflow), for
 * tests and benchmarks that need many keys or a key in a given state. Returns the plaintext so a
 * test can play the key's user against the verify API.
 */
import type { Db } from '../../db/client';
import { newKeyId } from '../../domain/ids';
import { mintKey, parseKey } from '../../domain/keyFormat';
import { hashKey } from '../../domain/keyHash';
import { maskKey } from '../../domain/keyMask';
import { findEnvironment, type Policy } from '../../domain/policy';
import type { KeyStatus } from '../../generated/prisma/enums';

export interface SeedKeyOptions {
  ownerId: string;
  name?: string;
  environment?: string;
  scopes?: string[];
  status?: KeyStatus;
  createdAt?: Date;
  expiresAt?: Date;
  lastUsedAt?: Date | null;
  /**
   * Keys seeded as revealed earlier count as keys from before first-call tracking (the migration
   * settles those): no first-call report, no nudge. False leaves them watched, like a new reveal.
   */
  firstCallSettled?: boolean;
}

export interface SeededKey {
  id: string;
  key: string;
  maskedKey: string;
  name: string;
}

/** A fresh key for one of the policy's environments, with the hash and masked form the store keeps. */
export function mintStoredKey(options: { policy: Policy; keyHashSecret: string; environment?: string }): { key: string; keyHash: string; maskedKey: string } {
  const environment = options.environment ?? 'test';
  const tag = findEnvironment(options.policy, environment)?.tag;
  if (!tag) throw new Error(`no environment ${environment} in the policy`);
  const key = mintKey({ prefix: options.policy.keyPrefix, envTag: tag });
  const parsed = parseKey(key);
  if (!parsed.ok) throw new Error('minted key failed its own parse');
  return { key, keyHash: hashKey({ key, secret: options.keyHashSecret }), maskedKey: maskKey(parsed.key) };
}

export function seedKeyRow(options: SeedKeyOptions & { policy: Policy; keyHashSecret: string; now?: Date }) {
  const now = options.now ?? new Date();
  const environment = options.environment ?? 'test';
  const { key, keyHash, maskedKey } = mintStoredKey({ policy: options.policy, keyHashSecret: options.keyHashSecret, environment });
  const id = newKeyId();
  const status = options.status ?? 'ACTIVE';
  const createdAt = options.createdAt ?? new Date(now.getTime() - 86_400_000);
  const name = options.name ?? `Service ${id.slice(-4)}`;
  const row = {
    id,
    ownerId: options.ownerId,
    name,
    environment,
    scopes: options.scopes ?? ['read'],
    status,
    keyHash: status === 'PENDING_REVEAL' ? null : keyHash,
    maskedKey: status === 'PENDING_REVEAL' ? null : maskedKey,
    createdAt,
    revealedAt: status === 'PENDING_REVEAL' ? null : createdAt,
    expiresAt: options.expiresAt ?? new Date(now.getTime() + 30 * 86_400_000),
    lastUsedAt: options.lastUsedAt ?? null,
    firstCallSettledAt: status === 'PENDING_REVEAL' || options.firstCallSettled === false ? null : createdAt,
    revokedAt: status === 'REVOKED' ? now : null,
  };
  return { row, seeded: { id, key, maskedKey, name } };
}

export async function seedKeys(db: Db, options: { policy: Policy; keyHashSecret: string; keys: SeedKeyOptions[] }): Promise<SeededKey[]> {
  const made = options.keys.map((k) => seedKeyRow({ ...k, policy: options.policy, keyHashSecret: options.keyHashSecret }));
  await db.apiKey.createMany({ data: made.map((m) => m.row) });
  return made.map((m) => m.seeded);
}
