import type { App } from '@slack/bolt';
import type { BotDeps } from '../../deps';
import { registerDenySubmission } from './denyRequest';
import { registerExtendKeySubmission } from './extendKey';
import { registerNewKeySubmission } from './newKey';
import { registerRevokeSubmission } from './revokeKeys';
import { registerRotateKeySubmission } from './rotateKey';

export function registerViews(app: App, deps: BotDeps): void {
  registerNewKeySubmission(app, deps);
  registerDenySubmission(app, deps);
  registerRevokeSubmission(app, deps);
  registerExtendKeySubmission(app, deps);
  registerRotateKeySubmission(app, deps);
}
