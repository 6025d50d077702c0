/**
 * `keyops keys revoke <key|id> --reason …`: break-glass revocation when Slack is not the place or
 * is down. The same statement as Slack's revocation (db/revocations.ts: atomic, audited, every API
 * process refuses the key on commit), audited as `cli:<os user>@<host>`; the owner is told by DM
 * when Slack is reachable, and the command says whether they were.
 */
import { randomUUID } from 'node:crypto';
import { createSlackGateway } from '../../activities/slackGateway';
import { findReferencedKey, parseKeyReference } from '../../bot/forms/keyReference';
import { escapeMrkdwn } from '../../bot/views/format';
import { commitRevocation } from '../../db/revocations';
import { CliError, JSON_OPTION, type CliCommand } from '../command';
import { cliActor, withDb } from '../store';

export const keysRevokeCommand: CliCommand = {
  words: ['keys', 'revoke'],
  args: '<key|id>',
  summary: 'revoke a key now (break-glass), audited as cli:<user>@<host>',
  description: 'The key is named by its id, its masked form or the full key (only hashed).\nThe owner gets a Slack DM when SLACK_BOT_TOKEN is set and Slack answers.',
  options: { reason: { type: 'string', placeholder: 'text', description: 'why (required; recorded and told to the owner)' }, ...JSON_OPTION },
  async run({ args, options, io }) {
    const [text, ...extra] = args;
    const reason = ((options.reason as string | undefined) ?? '').trim();
    if (!text || extra.length > 0) throw new CliError('keys revoke takes one key', { hint: 'usage: npx keyops keys revoke <key|id> --reason <text>', exitCode: 2 });
    if (reason.length === 0) throw new CliError('--reason is required: the audit log and the owner are told why', { exitCode: 2 });
    return withDb(io.env, async (db, env) => {
      const parsed = parseKeyReference({ text, keyHashSecret: env.KEY_HASH_SECRET ?? '', previousKeyHashSecrets: env.KEY_HASH_SECRET_PREVIOUS, subcommand: 'revoke' });
      if (!parsed.ok) throw new CliError('that is not a key id, a masked key or a key', { hint: 'npx keyops keys list shows the ids' });
      if (parsed.ref.kind === 'secret' && !env.KEY_HASH_SECRET) throw new CliError('a full key can only be found with KEY_HASH_SECRET set; give its id instead');
      const found = await findReferencedKey(db, { ref: parsed.ref, ownerId: null });
      if (!found.ok) throw new CliError('no key matches that, or several keys share that masked form (give the id)', { hint: 'npx keyops keys list shows the ids' });
      const actor = cliActor();
      const keys = await commitRevocation(db, { revocationId: `rv_cli_${randomUUID()}`, scope: { kind: 'key', keyId: found.keyId }, actorId: actor, reason, source: 'cli', via: parsed.ref.kind, now: new Date() });
      const key = keys[0];
      if (!key) {
        io.out(`${found.keyId} was already revoked`);
        return 0;
      }
      const told = await tellOwner({ env, ownerId: key.ownerId, text: `Your key *${escapeMrkdwn(key.name)}* (\`${key.maskedKey ?? key.id}\`, ${key.environment}) was revoked by an operator from keyops's admin CLI (${escapeMrkdwn(actor)}). Reason: ${escapeMrkdwn(reason)}` });
      if (options.json) io.out(JSON.stringify({ revoked: key.id, owner: key.ownerId, ownerTold: told.ok, ...(told.ok ? {} : { why: told.why }) }));
      else io.out(`revoked ${key.id} (${key.maskedKey ?? 'never revealed'}, owner ${key.ownerId}); owner ${told.ok ? 'told on Slack' : `NOT told: ${told.why}`}`);
      return 0;
    });
  },
};

async function tellOwner(options: { env: { SLACK_BOT_TOKEN?: string; SLACK_API_URL?: string }; ownerId: string; text: string }): Promise<{ ok: true } | { ok: false; why: string }> {
  if (!options.env.SLACK_BOT_TOKEN) return { ok: false, why: 'SLACK_BOT_TOKEN is not set' };
  const slack = createSlackGateway({ botToken: options.env.SLACK_BOT_TOKEN, apiUrl: options.env.SLACK_API_URL });
  try {
    const channel = await slack.openDm({ user: options.ownerId });
    await slack.postMessage({ channel, text: options.text });
    return { ok: true };
  } catch (error) {
    return { ok: false, why: `Slack did not answer (${(error as { data?: { error?: string } }).data?.error ?? (error as Error).message})` };
  }
}
