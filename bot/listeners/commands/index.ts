import type { App } from '@slack/bolt';
import type { BotDeps } from '../../deps';
import { registerApikeyCommand } from './apikey';

export function registerCommands(app: App, deps: BotDeps): void {
  registerApikeyCommand(app, deps);
}
