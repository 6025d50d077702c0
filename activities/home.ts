/**
 * Keeps App Home current: after anything changes someone's keys or requests, their Home tab is
 * published again. Best effort on purpose: a Home tab is also rebuilt every time it is opened, so
 * a failed refresh is logged, never allowed to fail (and retry) the change that caused it.
 */
import { buildAppHome, HOME_KEY_LIMIT } from '../bot/views/appHome';
import { loadHomeData } from '../db/keyListing';
import type { Db } from '../db/client';
import type { Policy } from '../domain/policy';
import type { RoleResolver } from '../bot/access/roles';
import type { Logger } from '../runtime/log';
import type { SlackGateway } from './slackGateway';

export interface HomeRefresher {
  refresh(userIds: readonly string[]): Promise<void>;
}

export interface HomeDeps {
  db: Db;
  policy: Policy;
  roles: RoleResolver;
  clock: () => Date;
  log: Logger;
  slack: Pick<SlackGateway, 'publishHome'>;
}

/** The Home view of one person, as it is now. Used on app_home_opened and after changes. */
export async function buildHomeFor(deps: Omit<HomeDeps, 'slack' | 'log'>, userId: string) {
  const now = deps.clock();
  const canApprove = await deps.roles.isListed(userId, deps.policy.approval.approvers);
  const data = await loadHomeData(deps.db, { userId, canApprove, keyLimit: HOME_KEY_LIMIT, now, expiringSoonSeconds: deps.policy.notices.expiringSoon });
  return buildAppHome({ data, now, expiringSoonSeconds: deps.policy.notices.expiringSoon });
}

export function createHomeRefresher(deps: HomeDeps): HomeRefresher {
  return {
    async refresh(userIds) {
      for (const userId of new Set(userIds)) {
        try {
          await deps.slack.publishHome({ userId, view: await buildHomeFor(deps, userId) });
        } catch (error) {
          deps.log.warn('could not refresh App Home', { userId, error: (error as Error).message });
        }
      }
    },
  };
}
