/**
 * GitHub's secret scanning signing keys, and the check of an alert's signature against them.
 *
 * GitHub signs each alert with ECDSA P-256 over SHA-256 of the raw body (a base64 DER signature in
 * GITHUB-PUBLIC-KEY-SIGNATURE) and names the key in GITHUB-PUBLIC-KEY-IDENTIFIER; the public keys
 * are served at GITHUB_SECRET_SCANNING_KEYS_URL as {"public_keys":[{"key_identifier","key","is_current"}]}.
 *
 * Fail closed: no keys, an unknown identifier, a bad signature, all mean "not from GitHub". The keys
 * are cached; an unknown identifier (GitHub rotated its key) fetches them again, at most once per
 * `refetchIntervalMs`: api.github.com allows an unauthenticated client 60 requests an hour, and
 * made-up identifiers must not be able to spend them.
 */
import { createPublicKey, verify, type KeyObject } from 'node:crypto';
import { z } from 'zod';
import type { Logger } from '../runtime/log';

export const DEFAULT_GITHUB_KEYS_URL = 'https://api.github.com/meta/public_keys/secret_scanning';

const keysSchema = z.object({
  public_keys: z.array(z.object({ key_identifier: z.string().min(1), key: z.string().min(1), is_current: z.boolean().optional() })),
});

export interface GithubSigningKeys {
  /** True only when `signature` is a valid signature of `body` by the key GitHub names. */
  verifyAlert(options: { identifier: string | undefined; signature: string | undefined; body: Buffer }): Promise<boolean>;
}

export function createGithubSigningKeys(options: { url?: string; log: Logger; refetchIntervalMs?: number; now?: () => number }): GithubSigningKeys {
  const url = options.url ?? DEFAULT_GITHUB_KEYS_URL;
  const refetchIntervalMs = options.refetchIntervalMs ?? 60_000;
  const now = options.now ?? Date.now;
  let keys = new Map<string, KeyObject>();
  let lastFetchAt = -Infinity;
  let fetching: Promise<void> | null = null;

  const fetchKeys = async (): Promise<void> => {
    lastFetchAt = now();
    try {
      const response = await fetch(url, { headers: { accept: 'application/json', 'user-agent': 'keyops' }, signal: AbortSignal.timeout(5000) });
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      const parsed = keysSchema.parse(await response.json());
      const fresh = new Map<string, KeyObject>();
      for (const entry of parsed.public_keys) {
        try {
          fresh.set(entry.key_identifier, createPublicKey(entry.key));
        } catch {
          options.log.warn('GitHub served a signing key keyops cannot read; skipped', { keyIdentifier: entry.key_identifier });
        }
      }
      keys = fresh;
    } catch (error) {
      options.log.error('could not fetch GitHub secret scanning keys; alerts are refused until they can be', { url, error: (error as Error).message });
    }
  };

  const keyFor = async (identifier: string): Promise<KeyObject | undefined> => {
    if (!keys.has(identifier) && now() - lastFetchAt >= refetchIntervalMs) {
      fetching ??= fetchKeys().finally(() => {
        fetching = null;
      });
      await fetching;
    }
    return keys.get(identifier);
  };

  return {
    async verifyAlert({ identifier, signature, body }) {
      if (!identifier || !signature || identifier.length > 200 || signature.length > 200) return false;
      const key = await keyFor(identifier);
      if (!key) return false;
      try {
        return verify('sha256', body, { key, dsaEncoding: 'der' }, Buffer.from(signature, 'base64'));
      } catch {
        return false;
      }
    },
  };
}
