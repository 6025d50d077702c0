import type { App } from '@slack/bolt';
import type { BotDeps } from '../../deps';
import { registerNewKeySubmission } from './newKey';
import { registerRevokeSubmission } from './revokeKeys';

export function registerViews(app: App, deps: BotDeps): void {
  registerNewKeySubmission(app, deps);
  registerRevokeSubmission(app, deps);
}
