import type { Db } from '../../db/client';

/**
 * A Prisma client whose raw writes (`$executeRaw`, what the usage and last-used flushes use) fail
 * as if the database were down, until `restore()`; everything else goes to the real database.
 * With `after`, the first `after` raw writes go through and the database goes down after them.
 */
export function withWritesFailing(db: Db, options: { after?: number } = {}): { db: Db; restore(): void } {
  let down = true;
  let allowed = options.after ?? 0;
  const failing = new Proxy(db, {
    get: (target, prop) => {
      if (prop === '$executeRaw' && down && allowed-- <= 0) return () => Promise.reject(new Error('database down'));
      const value = Reflect.get(target, prop) as unknown;
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  return {
    db: failing,
    restore: () => {
      down = false;
    },
  };
}
