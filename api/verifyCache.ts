/**
 * The verify path's in-process cache of key lookups, keyed by key hash (never by the key).
 *
 * - Bounded: least-recently-used entries go first. Lookups that found no key live in their own,
 *   smaller LRU, so a spray of random well-formed keys cannot push verified keys out.
 * - TTL as a backstop only: invalidation comes from PostgreSQL NOTIFY (api/keyChanges.ts) within
 *   milliseconds; the TTL bounds the damage of a notification lost in a way nobody noticed.
 * - Fails closed: the cache starts suspended and is suspended whenever the change listener is not
 *   subscribed. A suspended cache answers nothing and stores nothing, so verify goes to the
 *   database; resuming starts empty, since changes made meanwhile were never announced to it.
 * - No stale writes: a lookup takes a token before reading the database and stores its result
 *   only if no invalidation happened since. Otherwise a read that raced a revocation could put the
 *   key back as ACTIVE after the notification had already been handled.
 */
import type { KeyStatus } from '../generated/prisma/enums';

/** What verify needs to answer for a key; the database row, narrowed. */
export interface KeyRecord {
  id: string;
  ownerId: string;
  environment: string;
  scopes: string[];
  status: KeyStatus;
  expiresAt: Date;
}

/** A cache hit: `record` is null when the database had no key with that hash. */
export interface CachedLookup {
  record: KeyRecord | null;
}

export interface VerifyCacheOptions {
  maxEntries?: number;
  maxNegativeEntries?: number;
  ttlMs?: number;
  negativeTtlMs?: number;
  now?: () => number;
}

export interface VerifyCache {
  get(hash: string): CachedLookup | undefined;
  /** Call before reading the database; pass the token to `store`. */
  begin(): number;
  store(hash: string, record: KeyRecord | null, token: number): void;
  invalidate(hash: string): void;
  /** Empties the cache and stops it answering until `resume` (fail closed). */
  suspend(): void;
  /** Empties the cache and lets it answer again. */
  resume(): void;
  readonly live: boolean;
  readonly size: number;
}

export const VERIFY_CACHE_DEFAULTS = { maxEntries: 50_000, maxNegativeEntries: 10_000, ttlMs: 30_000, negativeTtlMs: 5_000 } as const;

interface Entry<V> {
  value: V;
  expiresAt: number;
}

/** A Map keeps insertion order: re-inserting on a hit makes its first key the least recently used. */
class Lru<V> {
  private readonly entries = new Map<string, Entry<V>>();

  constructor(private readonly maxEntries: number, private readonly ttlMs: number, private readonly now: () => number) {}

  get(key: string): V | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    this.entries.delete(key);
    if (entry.expiresAt <= this.now()) return undefined;
    this.entries.set(key, entry);
    return entry.value;
  }

  set(key: string, value: V): void {
    if (this.maxEntries <= 0) return;
    this.entries.delete(key);
    this.entries.set(key, { value, expiresAt: this.now() + this.ttlMs });
    if (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value as string);
  }

  delete(key: string): void {
    this.entries.delete(key);
  }

  clear(): void {
    this.entries.clear();
  }

  get size(): number {
    return this.entries.size;
  }
}

export function createVerifyCache(options: VerifyCacheOptions = {}): VerifyCache {
  const settings = { ...VERIFY_CACHE_DEFAULTS, ...options };
  const now = options.now ?? Date.now;
  const found = new Lru<CachedLookup>(settings.maxEntries, settings.ttlMs, now);
  const missing = new Lru<CachedLookup>(settings.maxNegativeEntries, settings.negativeTtlMs, now);
  const NONE: CachedLookup = { record: null };
  let live = false;
  // Bumped by every invalidation: a lookup that began before one may have read what it replaced.
  let version = 0;

  const empty = (): void => {
    version += 1;
    found.clear();
    missing.clear();
  };

  return {
    get(hash) {
      if (!live) return undefined;
      return found.get(hash) ?? missing.get(hash);
    },
    begin: () => version,
    store(hash, record, token) {
      if (!live || token !== version) return;
      if (record) found.set(hash, { record });
      else missing.set(hash, NONE);
    },
    invalidate(hash) {
      version += 1;
      found.delete(hash);
      missing.delete(hash);
    },
    suspend() {
      live = false;
      empty();
    },
    resume() {
      empty();
      live = true;
    },
    get live() {
      return live;
    },
    get size() {
      return found.size + missing.size;
    },
  };
}
