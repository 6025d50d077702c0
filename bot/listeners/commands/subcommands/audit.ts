/**
 * `/apikey audit [@person | <key>] [<duration>]`: the audit trail, newest first, paged. The key is
 * named like everywhere else (id, masked form or full key, only hashed); the period defaults to 7d.
 */
import { findReferencedKey, parseKeyReference } from '../../../forms/keyReference';
import { parseDuration } from '../../../../domain/duration';
import type { AuditScope } from '../../../../db/auditTrail';
import { showAudit } from '../../../audit/showAudit';
import { COMMAND } from '../../../ids';
import type { Subcommand } from '../subcommand';

const DEFAULT_PERIOD = 7 * 86_400;
const USAGE = `Usage: \`${COMMAND} audit\` (your keys), \`${COMMAND} audit <key>\` or, for admins, \`${COMMAND} audit @person\` and \`${COMMAND} audit all\`; add a period like \`30d\` (default 7d).`;
const MENTION_RE = /^<@([UW][A-Z0-9]+)(?:\|[^>]*)?>$/;

export const auditSubcommand: Subcommand = {
  name: 'audit',
  run: async ({ args, command: { ack, command, respond }, deps }) => {
    await ack();
    const reply = async (message: { text: string; blocks?: unknown[] } | string): Promise<void> => {
      await respond({ response_type: 'ephemeral', ...(typeof message === 'string' ? { text: message } : message) } as Parameters<typeof respond>[0]);
    };
    const userId = command.user_id;
    let seconds = DEFAULT_PERIOD;
    const words = [...args];
    const last = words[words.length - 1];
    if (last !== undefined && parseDuration(last) !== null) {
      seconds = parseDuration(last) as number;
      words.pop();
    }
    let scope: AuditScope = { kind: 'ownKeys', ownerId: userId };
    const target = words.join(' ');
    const mention = MENTION_RE.exec(target)?.[1];
    if (target === 'all') scope = { kind: 'all' };
    else if (mention) scope = mention === userId ? { kind: 'ownKeys', ownerId: userId } : { kind: 'person', userId: mention };
    else if (target.length > 0) {
      const parsed = parseKeyReference({ text: target, keyHashSecret: deps.keyHashSecret, previousKeyHashSecrets: deps.previousKeyHashSecrets ?? [], subcommand: 'audit' });
      if (!parsed.ok) return reply(`${parsed.message}\n${USAGE}`);
      const found = await findReferencedKey(deps.db, { ref: parsed.ref, ownerId: null });
      if (!found.ok) return reply(found.message);
      scope = { kind: 'key', keyId: found.keyId };
    }
    const since = new Date(deps.clock().getTime() - seconds * 1000);
    await showAudit({ deps, userId, source: `slack:${command.team_id}/${command.channel_id}`, scope, since, reply });
  },
};
