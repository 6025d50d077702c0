/**
 * Retries a statement that PostgreSQL aborted to break a deadlock (40P01) or a serialization
 * conflict (40001): the other party has gone on, so the same statement usually passes at once.
 * Ordering the locks avoids most of these; the retry covers what ordering cannot (a writer that
 * locks in another order, a SERIALIZABLE reader).
 */
const RETRYABLE = new Set(['40P01', '40001']);

type PrismaLike = { code?: unknown; meta?: { code?: unknown; driverAdapterError?: { cause?: { originalCode?: unknown } } } };

/**
 * Prisma on the pg adapter reports a raw query's SQLSTATE under P2010 as the driver adapter
 * error's `originalCode`; P2034 is its own name for a write conflict or deadlock.
 */
export function isConflict(error: unknown): boolean {
  if (!error || typeof error !== 'object') return false;
  const e = error as PrismaLike;
  if (e.code === 'P2034') return true;
  const sqlState = e.meta?.driverAdapterError?.cause?.originalCode ?? e.meta?.code;
  return typeof sqlState === 'string' && RETRYABLE.has(sqlState);
}

export async function retryConflicts<T>(run: () => Promise<T>, options: { attempts?: number; onRetry?: (attempt: number, error: unknown) => void } = {}): Promise<T> {
  const attempts = options.attempts ?? 5;
  for (let attempt = 1; ; attempt++) {
    try {
      return await run();
    } catch (error) {
      if (attempt >= attempts || !isConflict(error)) throw error;
      options.onRetry?.(attempt, error);
      // A little jitter so two processes that collided do not collide again in step.
      await new Promise((resolve) => setTimeout(resolve, 10 * attempt + Math.random() * 20));
    }
  }
}
