/**
 * Buttons keyops shows because the contract names them, whose work belongs to a feature not in
 * this version yet (Usage: usage analytics). A click says so honestly instead of doing nothing.
 * Remove an entry when its real listener is registered.
 */
import type { AllMiddlewareArgs, App, BlockAction, ButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import type { BotDeps } from '../../deps';
import { keyActionPattern } from '../../ids';
import { answerClick } from './answerClick';

type ActionArgs = SlackActionMiddlewareArgs<BlockAction<ButtonAction>> & AllMiddlewareArgs;

const NOT_YET: Array<{ pattern: RegExp; title: string; text: string }> = [
  { pattern: keyActionPattern('keyUsage'), title: 'Usage', text: 'Usage reports are not available in this version of keyops yet. The key list shows when each key was last used.' },
];

export function registerNotYetAvailable(app: App, deps: BotDeps): void {
  for (const entry of NOT_YET) {
    app.action<BlockAction<ButtonAction>>(entry.pattern, async ({ ack, body, respond, client }: ActionArgs) => {
      await ack();
      await answerClick({ body, respond, client, title: entry.title, text: entry.text });
      deps.log.info('click on a feature not built yet', { action: entry.title, userId: body.user.id });
    });
  }
}
