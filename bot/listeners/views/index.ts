import type { App } from '@slack/bolt';
import type { BotDeps } from '../../deps';
import { registerExtendKeySubmission } from './extendKey';
import { registerNewKeySubmission } from './newKey';
import { registerRotateKeySubmission } from './rotateKey';

export function registerViews(app: App, deps: BotDeps): void {
  registerNewKeySubmission(app, deps);
  registerExtendKeySubmission(app, deps);
  registerRotateKeySubmission(app, deps);
}
