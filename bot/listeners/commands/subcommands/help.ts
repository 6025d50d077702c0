import { buildHelp } from '../../../views/help';
import type { Subcommand } from '../subcommand';

export const helpSubcommand: Subcommand = {
  name: 'help',
  run: async ({ command }) => {
    await command.ack({ response_type: 'ephemeral', ...buildHelp() });
  },
};
