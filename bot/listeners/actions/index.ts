import type { App } from '@slack/bolt';
import type { BotDeps } from '../../deps';
import { registerApproveRequest } from './approveRequest';
import { registerCancelRequest } from './cancelRequest';
import { registerDenyRequest } from './denyRequest';
import { registerNewKeyEnvironment } from './newKeyEnvironment';
import { registerRevealKey } from './revealKey';
import { registerRevokeKey } from './revokeKey';

export function registerActions(app: App, deps: BotDeps): void {
  registerRevealKey(app, deps);
  registerRevokeKey(app, deps);
  registerNewKeyEnvironment(app, deps);
  registerApproveRequest(app, deps);
  registerDenyRequest(app, deps);
  registerCancelRequest(app, deps);
}
