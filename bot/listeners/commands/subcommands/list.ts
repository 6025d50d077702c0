/**
 * `/apikey list` shows the caller's keys; `/apikey list @person` another person's, for admins
 * and viewers (read-only, masked keys). With the command's escaping on, Slack sends a mention as `<@U123|name>`.
 */
import { z } from 'zod';
import { recordAudit } from '../../../../db/audit';
import { canSeeAnyKey } from '../../../access/keyAccess';
import { COMMAND } from '../../../ids';
import { loadKeyListMessage } from '../../../keys/keyListMessage';
import type { Subcommand } from '../subcommand';

const mentionSchema = z.string().regex(/^<@([UW][A-Z0-9]+)(?:\|[^>]*)?>$/).transform((text) => (/^<@([UW][A-Z0-9]+)/.exec(text) as RegExpExecArray)[1] as string);

export const listSubcommand: Subcommand = {
  name: 'list',
  run: async ({ args, command: { ack, respond, command }, deps }) => {
    await ack();
    const viewerId = command.user_id;
    const source = `slack:${command.team_id}/${command.channel_id}`;
    let ownerId = viewerId;
    if (args.length > 0) {
      // A mention's name part may hold spaces, which split it into several arguments.
      const mention = mentionSchema.safeParse(args.join(' '));
      if (!mention.success) {
        await respond({ response_type: 'ephemeral', text: `Usage: \`${COMMAND} list\` for your keys, or \`${COMMAND} list @person\` (admins and viewers) for someone else's.` });
        return;
      }
      ownerId = mention.data;
    }
    if (ownerId !== viewerId) {
      if (!(await canSeeAnyKey(deps, viewerId))) {
        // Recorded before the answer: whoever reads the answer can find the record.
        await recordAudit(deps.db, { actorId: viewerId, action: 'keys.list_refused', targetType: 'user', targetId: ownerId, source, details: { why: 'not an admin or viewer' } });
        await respond({ response_type: 'ephemeral', text: `Only admins and viewers can list another person's keys. \`${COMMAND} list\` shows yours.` });
        return;
      }
      await recordAudit(deps.db, { actorId: viewerId, action: 'keys.listed', targetType: 'user', targetId: ownerId, source });
    }
    await respond({ response_type: 'ephemeral', ...(await loadKeyListMessage(deps, { ownerId, viewerId, page: 0 })) });
    deps.log.info('keys listed', { viewerId, ownerId });
  },
};
