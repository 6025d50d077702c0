import type { App } from '@slack/bolt';
import type { BotDeps } from '../../deps';
import { registerExtendKey } from './extendKey';
import { registerKeepKey } from './keepKey';
import { registerKeyListPage } from './keyListPage';
import { registerNewKeyEnvironment } from './newKeyEnvironment';
import { registerNotYetAvailable } from './notYetAvailable';
import { registerRotateKey } from './rotateKey';
import { registerRotationChoices } from './rotationChoice';
import { registerRevealKey } from './revealKey';

export function registerActions(app: App, deps: BotDeps): void {
  registerRevealKey(app, deps);
  registerNewKeyEnvironment(app, deps);
  registerKeyListPage(app, deps);
  registerExtendKey(app, deps);
  registerKeepKey(app, deps);
  registerRotateKey(app, deps);
  registerRotationChoices(app, deps);
  registerNotYetAvailable(app, deps);
}
