/**
 * What `/apikey revoke <target>` names. One argument, one of:
 *
 *   key_4fT…Zq9A            a key id
 *   ko_live_…3f8a           the masked form, also typed with "..." (may match several keys)
 *   ko_live_<random>_<crc>  the full key, e.g. a leaked one: only its HMAC leaves this function
 *   <@U123|name>            every live key of a person (Slack sends a mention this way)
 *   env:production          every live key of an environment
 *
 * Messages never repeat what was typed: it may be a secret with a typo in it.
 */
import { COMMAND } from '../ids';
import { parseKey } from '../../domain/keyFormat';
import { keyHashCandidates } from '../../domain/keyHash';
import { normalizeMaskedKey } from '../../domain/keyMask';
import { KEY_ID_RE } from '../../domain/ids';
import { findEnvironment, type Policy } from '../../domain/policy';

export type RevokeTarget =
  | { kind: 'id'; keyId: string }
  | { kind: 'masked'; maskedKey: string }
  | { kind: 'secret'; keyHashes: string[] }
  | { kind: 'user'; userId: string }
  | { kind: 'environment'; environment: string };

export type ParsedRevokeTarget = { ok: true; target: RevokeTarget } | { ok: false; message: string };

const MENTION_RE = /^<@([UW][A-Z0-9]{2,})(?:\|[^>]*)?>$/;
const ENV_RE = /^env:(\S+)$/i;
/** Pasted keys often come wrapped in code marks or quotes. */
const WRAPPING_RE = /^[`'"“”‘’]+|[`'"“”‘’]+$/g;

export function revokeUsage(policy: Policy): string {
  const example = policy.environments.find((e) => e.approval === 'required') ?? policy.environments[0];
  return (
    `Give one key: \`${COMMAND} revoke key_…\` (its id), \`${COMMAND} revoke ${policy.keyPrefix}_${example?.tag ?? 'live'}_…3f8a\` (its masked form) or the full key. ` +
    `On-call and admins can also revoke every live key of a person (\`${COMMAND} revoke @person\`) or of an environment (\`${COMMAND} revoke env:${example?.name ?? 'production'}\`).`
  );
}

export function parseRevokeTarget(options: { args: readonly string[]; policy: Policy; keyHashSecret: string; previousKeyHashSecrets?: readonly string[] }): ParsedRevokeTarget {
  const { args, policy } = options;
  // A mention's name part may hold spaces, which split it into several arguments.
  const mention = MENTION_RE.exec(args.join(' '));
  if (mention) return { ok: true, target: { kind: 'user', userId: mention[1] as string } };
  if (args.length !== 1) return { ok: false, message: `${args.length === 0 ? 'Which key?' : 'One at a time.'} ${revokeUsage(policy)} You will be asked for a reason.` };
  const text = (args[0] as string).replace(WRAPPING_RE, '');

  if (KEY_ID_RE.test(text)) return { ok: true, target: { kind: 'id', keyId: text } };
  const masked = normalizeMaskedKey(text);
  if (masked) return { ok: true, target: { kind: 'masked', maskedKey: masked } };
  const key = parseKey(text);
  if (key.ok) return { ok: true, target: { kind: 'secret', keyHashes: keyHashCandidates({ key: text, secret: options.keyHashSecret, previous: options.previousKeyHashSecrets ?? [] }) } };
  if (key.reason === 'CHECKSUM') {
    return { ok: false, message: 'That looks like a key, but its checksum does not match: a character was changed or lost in the copy. Paste it again, or give its id or masked form.' };
  }

  if (text.startsWith('@')) {
    return { ok: false, message: 'Pick the person from Slack\'s list as you type @, so that keyops receives who they are, not just a name.' };
  }
  const env = ENV_RE.exec(text);
  if (env) {
    const environment = findEnvironment(policy, (env[1] as string).toLowerCase());
    if (environment) return { ok: true, target: { kind: 'environment', environment: environment.name } };
    return { ok: false, message: `keyops has no such environment. The policy's environments are ${policy.environments.map((e) => `\`${e.name}\``).join(', ')}.` };
  }
  return { ok: false, message: `keyops cannot read that as a key. ${revokeUsage(policy)}` };
}
