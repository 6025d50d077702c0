import type { App } from '@slack/bolt';
import type { BotDeps } from '../../deps';
import { registerApproveRequest } from './approveRequest';
import { registerAuditPage } from './auditPage';
import { registerCancelRequest } from './cancelRequest';
import { registerDenyRequest } from './denyRequest';
import { registerExtendKey } from './extendKey';
import { registerKeepKey } from './keepKey';
import { registerKeyListPage } from './keyListPage';
import { registerNewKeyEnvironment } from './newKeyEnvironment';
import { registerKeyUsage } from './keyUsage';
import { registerRotateKey } from './rotateKey';
import { registerRotationChoices } from './rotationChoice';
import { registerRevealKey } from './revealKey';
import { registerReplaceLeakedKey } from './replaceLeakedKey';
import { registerRevokeKey } from './revokeKey';

export function registerActions(app: App, deps: BotDeps): void {
  registerRevealKey(app, deps);
  registerRevokeKey(app, deps);
  registerNewKeyEnvironment(app, deps);
  registerApproveRequest(app, deps);
  registerDenyRequest(app, deps);
  registerCancelRequest(app, deps);
  registerKeyListPage(app, deps);
  registerAuditPage(app, deps);
  registerExtendKey(app, deps);
  registerKeepKey(app, deps);
  registerRotateKey(app, deps);
  registerRotationChoices(app, deps);
  registerKeyUsage(app, deps);
  registerReplaceLeakedKey(app, deps);
}
