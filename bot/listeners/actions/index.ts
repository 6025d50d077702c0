import type { App } from '@slack/bolt';
import type { BotDeps } from '../../deps';
import { registerNewKeyEnvironment } from './newKeyEnvironment';
import { registerRevealKey } from './revealKey';
import { registerRevokeKey } from './revokeKey';

export function registerActions(app: App, deps: BotDeps): void {
  registerRevealKey(app, deps);
  registerRevokeKey(app, deps);
  registerNewKeyEnvironment(app, deps);
}
