/**
 * Recording requests that wait for approval (self-service requests are recorded by
 * createAndOfferKey, with their key). Every write is idempotent: retries change nothing.
 */
import { insertKeyRequest, insertPendingKey } from '../db/keyRequests';
import type { ActivityDeps } from './deps';
import type { KeyRequestInput } from '../workflows/keyRequest';

export function createKeyRequestActivities(deps: ActivityDeps) {
  const { home } = deps;
  return {
    /** Records the request; for one that needs approval, before anyone is asked. */
    async recordKeyRequest(input: KeyRequestInput): Promise<void> {
      await insertKeyRequest(deps.db, input, deps.clock());
      if (input.needsApproval) home.refresh([input.requesterId]);
    },

    /** Kept for key requests started before createAndOfferKey (workflow patch one-step-offer). */
    async createPendingKey(input: KeyRequestInput): Promise<void> {
      await insertPendingKey(deps.db, input, deps.clock());
      home.refresh([input.requesterId]);
    },
  };
}
