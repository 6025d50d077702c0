/**
 * All activities, built by one factory from their dependencies. Workflows import only the type
 * (`import type { Activities }`) and proxy it.
 */
import { createApprovalMessageActivities } from './approvalMessages';
import { createApprovalActivities } from './approvals';
import type { ActivityDeps } from './deps';
import { createKeyRequestActivities } from './keyRequests';
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
    ...createRotationActivities(deps),
  };
}

export type Activities = ReturnType<typeof createActivities>;
export type { ActivityDeps } from './deps';
