/**
 * `/apikey <subcommand> …`: dispatches to one module per subcommand (subcommands/).
 */
import type { App } from '@slack/bolt';
import type { BotDeps } from '../../deps';
import { COMMAND } from '../../ids';
import type { CommandArgs, Subcommand } from './subcommand';
import { approvalsSubcommand } from './subcommands/approvals';
import { helpSubcommand } from './subcommands/help';
import { listSubcommand } from './subcommands/list';
import { newSubcommand } from './subcommands/new';
import { revokeSubcommand } from './subcommands/revoke';
import { rotateSubcommand } from './subcommands/rotate';
import { usageSubcommand } from './subcommands/usage';
import { auditSubcommand } from './subcommands/audit';

const SUBCOMMANDS: Subcommand[] = [helpSubcommand, newSubcommand, listSubcommand, rotateSubcommand, approvalsSubcommand, revokeSubcommand, usageSubcommand, auditSubcommand];

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
    await command.respond({ response_type: 'ephemeral', text: `keyops does not know \`${name}\`. Try \`${COMMAND} help\`.` });
  });
}
