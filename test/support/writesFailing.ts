import type { Db } from '../../db/client';

/**
 * A Prisma client whose raw writes (`$executeRaw`, what the usage and last-used flushes use) fail
 * as if the database were down, until `restore()`; everything else goes to the real database.
 */
export function withWritesFailing(db: Db): { db: Db; restore(): void } {
  let down = true;
  const failing = new Proxy(db, {
    get: (target, prop) => {
      if (prop === '$executeRaw' && down) return () => Promise.reject(new Error('database down'));
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
