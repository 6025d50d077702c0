import type { App } from '@slack/bolt';
import type { BotDeps } from '../../deps';
import { registerAppHomeOpened } from './appHomeOpened';
import { registerMessagePosted } from './messagePosted';

export function registerEvents(app: App, deps: BotDeps): void {
  registerAppHomeOpened(app, deps);
  registerMessagePosted(app, deps);
}
