/**
 * `/apikey usage <key>`: a key's usage, to its owner (and admins, viewers, on-call). The key is
 * named like everywhere else (id, masked form or full key, see forms/revokeTarget.ts); a full
 * key is only hashed, never logged or repeated.
 */
import { parseKey } from '../../../../domain/keyFormat';
import { COMMAND } from '../../../ids';
import { parseRevokeTarget } from '../../../forms/revokeTarget';
import { showUsageFor, type UsageTarget } from '../../../usage/showUsage';
import type { Message } from '../../../views/revealMessages';
import type { Subcommand } from '../subcommand';

const HELP = `Give one key: \`${COMMAND} usage key_…\` (its id), its masked form or the full key.`;

export function parseUsageTarget(options: Parameters<typeof parseRevokeTarget>[0]): { ok: true; target: UsageTarget } | { ok: false; message: string } {
  if (options.args.length !== 1) return { ok: false, message: `${options.args.length === 0 ? 'Which key?' : 'One key at a time.'} ${HELP}` };
  const parsed = parseRevokeTarget(options);
  if (parsed.ok && (parsed.target.kind === 'id' || parsed.target.kind === 'masked' || parsed.target.kind === 'secret')) return { ok: true, target: parsed.target };
  // A key with a broken checksum gets revoke's explanation (a character was lost in the copy).
  const key = parseKey((options.args[0] as string).replace(/^[`'"]+|[`'"]+$/g, ''));
  if (!parsed.ok && !key.ok && key.reason === 'CHECKSUM') return parsed;
  return { ok: false, message: `Usage is shown one key at a time. ${HELP}` };
}

export const usageSubcommand: Subcommand = {
  name: 'usage',
  run: async ({ args, command: { ack, command, respond }, deps }) => {
    await ack();
    const reply = async (message: Message | string): Promise<void> => {
      await respond({ response_type: 'ephemeral', ...(typeof message === 'string' ? { text: message } : message) });
    };
    const parsed = parseUsageTarget({ args, policy: deps.policy, keyHashSecret: deps.keyHashSecret, previousKeyHashSecrets: deps.previousKeyHashSecrets ?? [] });
    if (!parsed.ok) return reply(parsed.message);
    await showUsageFor({ deps, userId: command.user_id, target: parsed.target, reply });
  },
};
