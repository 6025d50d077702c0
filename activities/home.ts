/**
 * Keeps App Home current: after anything changes someone's keys or requests, their Home tab is
 * published again. Best effort on purpose: a Home tab is also rebuilt every time it is opened, so
 * a failed refresh is logged, never allowed to fail (and retry) the change that caused it.
 *
 * Refreshes are coalesced and run off the caller's path: `refresh` marks users and returns at
 * once; after `settleMs` each marked user's Home is read and published once, however many
 * changes asked for it (a new key asks twice within a second: created, then revealed). Nobody
 * waits on a Home tab, and the person waiting for their key should not wait for one either.
 */
import { loadAppHomeView } from '../bot/keys/appHomeView';
import type { Db } from '../db/client';
import type { Policy } from '../domain/policy';
import type { Logger } from '../runtime/log';
import type { SlackGateway } from './slackGateway';

export interface HomeRefresher {
  /** Marks these users' Home tabs stale; they are published again shortly. Never throws. */
  refresh(userIds: readonly string[]): void;
  /** Publishes what is marked now and waits for every publish in flight (at shutdown, in tests). */
  drain(): Promise<void>;
}

export interface HomeDeps {
  db: Db;
  policy: Policy;
  clock: () => Date;
  log: Logger;
  slack: Pick<SlackGateway, 'publishHome'>;
}

/** Long enough to merge the changes one action makes, short enough that Home looks live. */
export const HOME_SETTLE_MS = 750;

export function createHomeRefresher(deps: HomeDeps, options: { settleMs?: number } = {}): HomeRefresher {
  const settleMs = options.settleMs ?? HOME_SETTLE_MS;
  let stale = new Set<string>();
  let timer: NodeJS.Timeout | null = null;
  const inFlight = new Set<Promise<void>>();

  const publish = async (userId: string): Promise<void> => {
    try {
      await deps.slack.publishHome({ userId, view: await loadAppHomeView(deps, userId) });
    } catch (error) {
      deps.log.warn('could not refresh App Home', { userId, error: (error as Error).message });
    }
  };

  const flush = (): void => {
    if (timer) clearTimeout(timer);
    timer = null;
    const users = stale;
    stale = new Set();
    if (users.size === 0) return;
    // One after another: a burst of changes must not take every database connection at once.
    const run = (async () => {
      for (const userId of users) await publish(userId);
    })();
    inFlight.add(run);
    void run.finally(() => inFlight.delete(run));
  };

  return {
    refresh(userIds) {
      for (const userId of userIds) stale.add(userId);
      if (stale.size > 0 && !timer) {
        timer = setTimeout(flush, settleMs);
        timer.unref();
      }
    },
    async drain() {
      flush();
      while (inFlight.size > 0) await Promise.all([...inFlight]);
    },
  };
}
