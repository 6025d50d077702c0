/** Someone's App Home as it is now: read from the store, built by the pure builder. */
import type { HomeView } from '@slack/types';
import type { Db } from '../../db/client';
import { loadHomeData } from '../../db/keyListing';
import type { Policy } from '../../domain/policy';
import type { RoleResolver } from '../access/roles';
import { buildAppHome, HOME_KEY_LIMIT } from '../views/appHome';

export async function loadAppHomeView(deps: { db: Db; policy: Policy; roles: RoleResolver; clock: () => Date }, userId: string): Promise<HomeView> {
  const now = deps.clock();
  const expiringSoonSeconds = deps.policy.notices.expiringSoon;
  const canApprove = await deps.roles.isListed(userId, deps.policy.approval.approvers);
  const data = await loadHomeData(deps.db, { userId, canApprove, keyLimit: HOME_KEY_LIMIT, now, expiringSoonSeconds });
  return buildAppHome({ data, now, expiringSoonSeconds });
}
