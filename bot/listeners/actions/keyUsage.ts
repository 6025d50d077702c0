/**
 * The Usage button on a key (the list, App Home, notices): the same report as `/apikey usage`,
 * for the clicker only: through the click's response_url in a conversation, or as a DM from the
 * app for a click on App Home (Slack sends no response_url there).
 */
import type { AllMiddlewareArgs, App, BlockAction, ButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import { KEY_ID_RE } from '../../../domain/ids';
import type { BotDeps } from '../../deps';
import { keyActionPattern } from '../../ids';
import { showUsage } from '../../usage/showUsage';
import type { Message } from '../../views/revealMessages';

type ActionArgs = SlackActionMiddlewareArgs<BlockAction<ButtonAction>> & AllMiddlewareArgs;

export function registerKeyUsage(app: App, deps: BotDeps): void {
  app.action<BlockAction<ButtonAction>>(keyActionPattern('keyUsage'), async ({ ack, body, action, respond, client }: ActionArgs) => {
    await ack();
    const userId = body.user.id;
    const reply = async (answer: Message | string): Promise<void> => {
      const message = typeof answer === 'string' ? { text: answer } : answer;
      if (body.response_url) await respond({ response_type: 'ephemeral', replace_original: false, ...message });
      else await client.chat.postMessage({ channel: userId, ...message });
    };
    if (!KEY_ID_RE.test(action.value ?? '')) return reply('This button does not name a key keyops knows.');
    await showUsage({ deps, userId, keyId: action.value as string, reply });
  });
}
