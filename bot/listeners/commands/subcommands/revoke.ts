/**
 * `/apikey revoke <key | @person | env:name>`: opens the confirmation (bot/revocation). The
 * command text may hold a leaked key: it is hashed by the parser and never logged or repeated.
 */
import { parseRevokeTarget } from '../../../forms/revokeTarget';
import { confirmRevocation } from '../../../revocation/confirmRevocation';
import type { Message } from '../../../views/revealMessages';
import type { Subcommand } from '../subcommand';

export const revokeSubcommand: Subcommand = {
  name: 'revoke',
  run: async ({ args, command: { ack, client, command, respond }, deps }) => {
    await ack();
    const reply = async (message: Message | string): Promise<void> => {
      await respond({ response_type: 'ephemeral', ...(typeof message === 'string' ? { text: message } : message) });
    };
    const parsed = parseRevokeTarget({ args, policy: deps.policy, keyHashSecret: deps.keyHashSecret, previousKeyHashSecrets: deps.previousKeyHashSecrets ?? [] });
    if (!parsed.ok) return reply(parsed.message);
    deps.log.info('revocation asked', { userId: command.user_id, channelId: command.channel_id, via: parsed.target.kind });
    await confirmRevocation({
      deps,
      client,
      triggerId: command.trigger_id,
      userId: command.user_id,
      channelId: command.channel_id,
      source: `slack:${command.team_id}/${command.channel_id}`,
      target: parsed.target,
      via: parsed.target.kind,
      reply,
    });
  },
};
