import { checkKeyRequest } from '../../../access/keyAccess';
import { buildNewKeyModal } from '../../../views/newKeyModal';
import type { Subcommand } from '../subcommand';

/** Opens the new-key modal with the command's trigger id, which Slack honours for 3 seconds. */
export const newSubcommand: Subcommand = {
  name: 'new',
  run: async ({ command: { ack, client, command, respond }, deps }) => {
    await ack();
    // Roles are cached reads, well inside the trigger id's 3 seconds.
    const refusal = await checkKeyRequest(deps, command.user_id);
    if (refusal) return void (await respond({ response_type: 'ephemeral', text: refusal }));
    await client.views.open({ trigger_id: command.trigger_id, view: buildNewKeyModal({ policy: deps.policy, channelId: command.channel_id }) });
    deps.log.info('new-key modal opened', { userId: command.user_id, channelId: command.channel_id });
  },
};
