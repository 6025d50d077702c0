/**
 * All activities, built by one factory from their dependencies. Workflows import only the type
 * (`import type { Activities }`) and proxy it.
 */
import { createApprovalMessageActivities } from './approvalMessages';
import { createApprovalActivities } from './approvals';
import { createRoleResolver } from '../bot/access/roles';
import type { ActivityDeps } from './deps';
import { createFirstCallActivities } from './firstCall';
import { createHomeRefresher, type HomeRefresher } from './home';
import { createKeyRequestActivities } from './keyRequests';
import { createLeakActivities } from './leaks';
import { createLifecycleActivities } from './lifecycle';
import { createRevealActivities } from './reveal';
import { createRevocationActivities } from './revocation';
import { createRotationActivities } from './rotation';

export function createActivities(deps: ActivityDeps) {
  return {
    ...createKeyRequestActivities(deps),
    ...createRevealActivities(deps),
    ...createApprovalActivities(deps),
    ...createApprovalMessageActivities(deps),
    ...createRevocationActivities(deps),
    ...createLifecycleActivities(deps),
    ...createFirstCallActivities(deps),
    ...createRotationActivities(deps),
    ...createLeakActivities(deps),
  };
}

export type Activities = ReturnType<typeof createActivities>;

/** What a worker provides; the role resolver and the App Home refresher are built from it. */
export type WorkerActivityDeps = Omit<ActivityDeps, 'roles' | 'home'>;

/**
 * The activities a worker registers, and the App Home refresher they share: drain it when the
 * worker stops, so refreshes still waiting are published.
 */
export function createWorkerActivities(deps: WorkerActivityDeps): { activities: Activities; home: HomeRefresher } {
  const home = createHomeRefresher(deps);
  const roles = createRoleResolver({ policy: deps.policy, directory: deps.slack, log: deps.log });
  return { activities: createActivities({ ...deps, roles, home }), home };
}
export type { ActivityDeps } from './deps';
