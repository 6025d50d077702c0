/**
 * Keeps App Home current: after anything changes someone's keys or requests, their Home tab is
 * published again. Best effort on purpose: a Home tab is also rebuilt every time it is opened, so
 * a failed refresh is logged, never allowed to fail (and retry) the change that caused it.
 */
import { loadAppHomeView } from '../bot/keys/appHomeView';
import type { Db } from '../db/client';
import type { Policy } from '../domain/policy';
import type { Logger } from '../runtime/log';
import type { SlackGateway } from './slackGateway';

export interface HomeRefresher {
  refresh(userIds: readonly string[]): Promise<void>;
}

export interface HomeDeps {
  db: Db;
  policy: Policy;
  clock: () => Date;
  log: Logger;
  slack: Pick<SlackGateway, 'publishHome'>;
}

export function createHomeRefresher(deps: HomeDeps): HomeRefresher {
  return {
    async refresh(userIds) {
      for (const userId of new Set(userIds)) {
        try {
          await deps.slack.publishHome({ userId, view: await loadAppHomeView(deps, userId) });
        } catch (error) {
          deps.log.warn('could not refresh App Home', { userId, error: (error as Error).message });
        }
      }
    },
  };
}
