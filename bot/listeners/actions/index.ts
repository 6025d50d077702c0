import type { App } from '@slack/bolt';
import type { BotDeps } from '../../deps';
import { registerApproveRequest } from './approveRequest';
import { registerCancelRequest } from './cancelRequest';
import { registerDenyRequest } from './denyRequest';
import { registerNewKeyEnvironment } from './newKeyEnvironment';
import { registerRevealKey } from './revealKey';

export function registerActions(app: App, deps: BotDeps): void {
  registerRevealKey(app, deps);
  registerNewKeyEnvironment(app, deps);
  registerApproveRequest(app, deps);
  registerDenyRequest(app, deps);
  registerCancelRequest(app, deps);
}
