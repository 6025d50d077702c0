import type { App } from '@slack/bolt';
import type { BotDeps } from '../../deps';
import { registerNewKeySubmission } from './newKey';

export function registerViews(app: App, deps: BotDeps): void {
  registerNewKeySubmission(app, deps);
}
