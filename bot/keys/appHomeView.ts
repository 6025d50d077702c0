/** Someone's App Home as it is now: read from the store, built by the pure builder. */
import type { HomeView } from '@slack/types';
import type { Db } from '../../db/client';
import { loadHomeData } from '../../db/keyListing';
import type { Policy } from '../../domain/policy';
import { buildAppHome, HOME_KEY_LIMIT } from '../views/appHome';

export async function loadAppHomeView(deps: { db: Db; policy: Policy; clock: () => Date }, userId: string): Promise<HomeView> {
  const now = deps.clock();
  const expiringSoonSeconds = deps.policy.notices.expiringSoon;
  const data = await loadHomeData(deps.db, { userId, keyLimit: HOME_KEY_LIMIT, now, expiringSoonSeconds });
  return buildAppHome({ data, now, expiringSoonSeconds });
}
