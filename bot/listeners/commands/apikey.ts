/**
 * `/apikey <subcommand> …`: dispatches to one module per subcommand (subcommands/).
 */
import type { App } from '@slack/bolt';
import type { BotDeps } from '../../deps';
import { COMMAND } from '../../ids';
import type { CommandArgs, Subcommand } from './subcommand';
import { approvalsSubcommand } from './subcommands/approvals';
import { helpSubcommand } from './subcommands/help';
import { newSubcommand } from './subcommands/new';
import { revokeSubcommand } from './subcommands/revoke';
import { usageSubcommand } from './subcommands/usage';

const SUBCOMMANDS: Subcommand[] = [helpSubcommand, newSubcommand, approvalsSubcommand, revokeSubcommand, usageSubcommand];

/** Named in the help and the contract but not built yet: say so rather than "unknown". */
const NOT_YET = new Set(['list', 'rotate']);

export function registerApikeyCommand(app: App, deps: BotDeps): void {
  const byName = new Map(SUBCOMMANDS.map((s) => [s.name, s]));
  app.command(COMMAND, async (command: CommandArgs) => {
    const [name = 'help', ...args] = command.command.text.trim().split(/\s+/).filter(Boolean);
    // A Slack retry means the first delivery was slow, not lost: answering again would, for
    // example, open a second modal with a spent trigger id.
    if (command.context.retryNum) return command.ack();

    const subcommand = byName.get(name.toLowerCase());
    if (subcommand) return subcommand.run({ args, command, deps });
    await command.ack();
    const text = NOT_YET.has(name.toLowerCase())
      ? `\`${COMMAND} ${name}\` is not available in this version of keyops yet. \`${COMMAND} help\` lists what is.`
      : `keyops does not know \`${name}\`. Try \`${COMMAND} help\`.`;
    await command.respond({ response_type: 'ephemeral', text });
  });
}
