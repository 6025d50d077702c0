/** `/apikey rotate <key>`: opens the Rotate modal for one of the caller's keys (admins: anyone's). */
import { isAdmin } from '../../../access/keyAccess';
import { findReferencedKey, parseKeyReference } from '../../../forms/keyReference';
import { openRotateModal } from '../../../keys/openRotateModal';
import type { Subcommand } from '../subcommand';

export const rotateSubcommand: Subcommand = {
  name: 'rotate',
  run: async ({ args, command: { ack, respond, client, command }, deps }) => {
    await ack();
    const answer = async (text: string): Promise<void> => void (await respond({ response_type: 'ephemeral', text }));
    const parsed = parseKeyReference({ text: args.join(' '), keyHashSecret: deps.keyHashSecret, previousKeyHashSecrets: deps.previousKeyHashSecrets ?? [], subcommand: 'rotate' });
    if (!parsed.ok) return answer(parsed.message);
    const found = await findReferencedKey(deps.db, { ref: parsed.ref, ownerId: (await isAdmin(deps, command.user_id)) ? null : command.user_id });
    if (!found.ok) return answer(found.message);
    // The trigger id is good for 3 seconds from the command: two indexed reads fit well inside.
    await openRotateModal({ deps, client, triggerId: command.trigger_id, userId: command.user_id, keyId: found.keyId, channelId: command.channel_id, answer });
  },
};
