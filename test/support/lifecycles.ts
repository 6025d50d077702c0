import type { KeyLifecycles } from '../../temporal/keyLifecycles';

/** For activity tests that run without Temporal: starting and notifying lifecycles does nothing. */
export const idleLifecycles: KeyLifecycles = {
  ensureStarted: async () => undefined,
  notifyChanged: async () => undefined,
  update: async () => {
    throw new Error('no Temporal in this test');
  },
};
