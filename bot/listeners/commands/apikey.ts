/**
 * `/apikey <subcommand>`. Acks first (Slack gives 3 seconds), then answers ephemerally or opens
 * a modal with the command's trigger id, which Slack honours for 3 seconds too.
 */
import type { AllMiddlewareArgs, App, SlackCommandMiddlewareArgs } from '@slack/bolt';
import type { BotDeps } from '../../deps';
import { COMMAND } from '../../ids';
import { buildHelp } from '../../views/help';
import { buildNewKeyModal } from '../../views/newKeyModal';

type CommandArgs = SlackCommandMiddlewareArgs & AllMiddlewareArgs;

const NOT_YET = new Set(['list', 'rotate', 'revoke', 'usage', 'approvals']);

export function registerApikeyCommand(app: App, deps: BotDeps): void {
  app.command(COMMAND, async (args: CommandArgs) => {
    const { ack, command, context, respond, client } = args;
    const [sub = 'help'] = command.text.trim().split(/\s+/).filter(Boolean);
    // A Slack retry means the first delivery was slow, not lost: answering again would open a
    // second modal with a spent trigger id.
    if (context.retryNum) return ack();

    switch (sub.toLowerCase()) {
      case 'help':
        return ack({ response_type: 'ephemeral', ...buildHelp() });
      case 'new': {
        await ack();
        await client.views.open({ trigger_id: command.trigger_id, view: buildNewKeyModal({ policy: deps.policy, channelId: command.channel_id }) });
        deps.log.info('new-key modal opened', { userId: command.user_id, channelId: command.channel_id });
        return;
      }
      default: {
        await ack();
        const known = NOT_YET.has(sub.toLowerCase());
        const text = known
          ? `\`${COMMAND} ${sub}\` is not available in this version of keyops yet. \`${COMMAND} help\` lists what is.`
          : `keyops does not know \`${sub}\`. Try \`${COMMAND} help\`.`;
        await respond({ response_type: 'ephemeral', text });
      }
    }
  });
}
