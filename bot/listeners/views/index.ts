import type { App } from '@slack/bolt';
import type { BotDeps } from '../../deps';
import { registerDenySubmission } from './denyRequest';
import { registerNewKeySubmission } from './newKey';
import { registerRevokeSubmission } from './revokeKeys';

export function registerViews(app: App, deps: BotDeps): void {
  registerNewKeySubmission(app, deps);
  registerDenySubmission(app, deps);
  registerRevokeSubmission(app, deps);
}
