import type { App } from '@slack/bolt';
import type { BotDeps } from '../../deps';
import { registerNewKeyEnvironment } from './newKeyEnvironment';
import { registerRevealKey } from './revealKey';

export function registerActions(app: App, deps: BotDeps): void {
  registerRevealKey(app, deps);
  registerNewKeyEnvironment(app, deps);
}
